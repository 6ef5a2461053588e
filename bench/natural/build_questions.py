"""Build questions.jsonl for the natural-question benchmark.

The question data lives in this file (questions and short gold answers only;
article texts stay in /work/shared/bench/multihop/corpus).  Article references
use the position in sample.txt (the recorded draw), so the doc_id is always an
article that was drawn.  Run:  python3 build_questions.py
"""

import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "sample.txt")) as _sample:
    SAMPLE = [line.strip() for line in _sample if line.strip()]

# Articles of the sample that were skipped (no question written), with reason.
SKIPPED = {
    117: "Mashable Cyber Monday list of 200+ deals: shopping list, nothing worth asking",
    125: "Wired '78 best October Prime Day deals': shopping list, nothing worth asking",
}

# ---------------------------------------------------------------------------
# Step 2: one question per sampled MultiHop article.
# (sample index, kind, question, answers[, evidence for yes_no])
# ---------------------------------------------------------------------------
MULTIHOP = [
    (0, "where", "Where is Scalable Capital based?", ["Munich"]),
    (1, "who_is", "Who is Michelle Jubelirer?", ["Chair and CEO", "Capitol Music Group"]),
    (
        2,
        "why_how",
        "How can the 49ers afford to keep Chase Young long term?",
        ["Randy Gregory", "restructure"],
    ),
    (3, "summary", "What's the TechCrunch piece on creatives organizing against AI about?", []),
    (
        4,
        "how_much",
        "How big was Mistral AI's seed round?",
        ["€105 million", "$112 million", "105 million", "112 million"],
    ),
    (
        5,
        "where",
        "Where was the 2023 Cricket World Cup final played?",
        ["Narendra Modi Stadium", "Ahmedabad"],
    ),
    (6, "summary", "Summarize the Polygon story about VTubers", []),
    (7, "how_many", "How many times has India reached a World Cup semi-final?", ["seven", "7"]),
    (8, "how_much", "How much student debt does Marisa Johnson have?", ["$145,000", "145,000"]),
    (9, "how_much", "How much does Alliance DAO invest in each startup?", ["$250,000", "250,000"]),
    (10, "how_many", "How many VPN services did Engadget test?", ["nine", "9"]),
    (11, "where", "Where is the second West Indies v England T20 being played?", ["Grenada"]),
    (
        12,
        "yes_no",
        "Did Florida State make the College Football Playoff?",
        ["no"],
        "first unbeaten Power 5 conference champion left out of the field",
    ),
    (
        13,
        "who",
        "Who hit the buzzer-beater for the Hawks against the Taipans?",
        ["Tyler Harvey", "Harvey"],
    ),
    (
        14,
        "what",
        "What did Gemini get wrong about the Oscars, per TechCrunch?",
        ["Brendan Gleeson", "Gleeson"],
    ),
    (
        15,
        "yes_no",
        "Is the EU's probe of X the first formal DSA investigation?",
        ["yes"],
        "the first confirmed investigation opened by the European Union",
    ),
    (16, "where", "Where are the Rangers playing the Red Wings?", ["Madison Square Garden"]),
    (17, "when", "When is Apple's Scary Fast event?", ["October 30", "8PM ET"]),
    (
        18,
        "how_much",
        "How much did JPMorgan pay to settle with the Virgin Islands?",
        ["$75 million", "75 million"],
    ),
    (
        19,
        "who_is",
        "Who is Stephen Twitty?",
        ["retired Army Lt. Gen.", "former deputy commander of the U.S. European Command"],
    ),
    (20, "summary", "Key points of the unredacted lawsuit about Meta and kids under 13?", []),
    (
        21,
        "who",
        "Who plays the lead in the live-action Pokémon show PokéTsume?",
        ["Nanase Nishino"],
    ),
    (22, "why_how", "Why was Samu Kerevi photographed holding his face?", ["40-6", "Wales"]),
    (23, "where", "Where is Cubic Telecom based?", ["Dublin"]),
    (24, "how_many", "How many users did ChatGPT hit in its first two months?", ["100 million"]),
    (25, "how_much", "How much is the 15-inch MacBook Air after Prime Day?", ["$1,049", "1,049"]),
    (26, "summary", "What's the story with Uber assault survivors wanting in-car cameras?", []),
    (
        27,
        "where",
        "Where were Man United in the table before the Fulham game?",
        ["8th position", "8th"],
    ),
    (28, "summary", "Summarize Engadget's story on the White House AI executive order", []),
    (
        29,
        "how_many",
        "How many touchdown passes did Jordan Love throw against the Chiefs?",
        ["three", "3"],
    ),
    (
        30,
        "how_much",
        "How much yearly funding does QRU want restored for Super Rugby teams?",
        ["$1.7 million", "1.7 million"],
    ),
    (31, "summary", "What did the EU say about X and disinformation?", []),
    (32, "summary", "What's the Live Science piece on superbugs about?", []),
    (33, "how_much", "How much did Rani Zim pay for Psagot?", ["NIS 405 million", "405 million"]),
    (
        34,
        "why_how",
        "Why did Scherzer leave Game 3 of the World Series?",
        ["lower back injury", "back injury"],
    ),
    (
        35,
        "how_much",
        "What's Stafford's salary in the FanDuel Week 15 lineup?",
        ["$7,200", "7,200"],
    ),
    (36, "who_is", "What are quantum dots?", ["tiny particles", "nanometers"]),
    (37, "who_is", "What is relative valuation?", ["fair value of a stock", "relative to"]),
    (38, "when", "When was the Paro vs Stevenson sparring video filmed?", ["2019"]),
    (39, "when", "When does Maestro come out on Netflix?", ["December 20"]),
    (40, "how_many", "How many games made Polygon's best of 2023 list?", ["50", "top 50"]),
    (41, "who_is", "What is Gag City?", ["pink metropolis", "utopia", "meme"]),
    (
        42,
        "yes_no",
        "Was Taylor Swift named Time's Person of the Year?",
        ["yes"],
        "Taylor Swift has officially been named Time's 2023 Person of the Year",
    ),
    (43, "who", "Who is the reigning NBA MVP?", ["Joel Embiid", "Embiid"]),
    (
        44,
        "who",
        "Who's on the hot seat for the 49ers according to Yardbarker?",
        ["Kyle Shanahan", "Shanahan"],
    ),
    (45, "summary", "What did TechCrunch say about Biden's AI executive order?", []),
    (
        46,
        "why_how",
        "How did researchers measure cannabis use in the pregnancy study?",
        ["urine samples", "urine"],
    ),
    (
        47,
        "how_many",
        "How many Champions League goals has Man United conceded in the group stage?",
        ["14"],
    ),
    (
        48,
        "how_much",
        "How much is Japan's Topix up this year?",
        ["25 per cent", "more than 25 per cent"],
    ),
    (49, "when", "When did Taylor Swift and Travis Kelce start seeing each other?", ["July"]),
    (50, "what", "What was the final score of Ole Miss vs Georgia?", ["52-17"]),
    (51, "who_is", "Who is Annie Wu Henry?", ["digital strategist", "Fetterman's TikTok"]),
    (52, "who", "Who directed Encounters of the Spooky Kind?", ["Sammo Hung"]),
    (
        53,
        "how_many",
        "How many comments an hour did the All Blacks' social team delete?",
        ["a thousand", "thousand"],
    ),
    (54, "why_how", "Why did Johnny Sexton confront Rieko Ioane?", ["cupped his ear", "shush"]),
    (
        55,
        "how_many",
        "How many skill points does the Diablo 4 Barbarian leveling build use?",
        ["58"],
    ),
    (56, "when", "When does Alphabet report its Q3 earnings?", ["Tuesday", "October 24"]),
    (
        57,
        "where",
        "Where was High Limit Racing's Commonwealth Clash held?",
        ["Lernerville Speedway", "Lernerville"],
    ),
    (58, "how_much", "How much are the Sony WH-1000XM4 headphones for Prime Day?", ["$248"]),
    (59, "why_how", "How did 10 Minute School get started?", ["YouTube channel"]),
    (60, "who", "Who wrote the SBF book Going Infinite?", ["Michael Lewis"]),
    (61, "summary", "What's the Independent's Friendsgiving article about?", []),
    (62, "how_many", "What wattage power adapter do iPads come with?", ["20 W", "20"]),
    (63, "summary", "What is Meta proposing about teens and app downloads?", []),
    (
        64,
        "who",
        "Who was the first receiver to get 100 yards on the Cowboys this year?",
        ["Curtis Samuel"],
    ),
    (
        65,
        "who_is",
        "Who is Peter Horne?",
        ["World Rugby's director of high-performance", "director of high-performance"],
    ),
    (
        66,
        "who",
        "Who kicked the winning field goal for Colorado against Arizona State?",
        ["Alejandro Mata", "Mata"],
    ),
    (67, "what", "What was the score in Chicago Fire vs Inter Miami?", ["4-1"]),
    (
        68,
        "why_how",
        "Why is the Apple Watch being banned, according to The Verge?",
        ["Masimo", "patents"],
    ),
    (69, "who_is", "What is a moneyline bet?", ["identifying the winner", "winner"]),
    (70, "who", "Who scored Bayern's winner against Man United?", ["Kingsley Coman", "Coman"]),
    (71, "yes_no", "Is Beeper Mini working again?", ["yes"], "is back in operation on Monday"),
    (72, "where", "Where can I get the Sony WH-1000XM4 for $250 without Prime?", ["Best Buy"]),
    (
        73,
        "yes_no",
        "Did Inter Miami make the MLS playoffs?",
        ["no"],
        "Inter Miami have been officially eliminated from the MLS playoff race",
    ),
    (74, "how_many", "How many classes are there in Baldur's Gate 3?", ["12"]),
    (
        75,
        "how_much",
        "How much is Shohei Ohtani's contract with the Dodgers?",
        ["$700 million", "700 million"],
    ),
    (76, "how_many", "How many drivers took part in NASCAR's Phoenix test?", ["six", "6"]),
    (77, "who", "Who led the NTU study on zinc iodine batteries?", ["Hongjin Fan"]),
    (78, "who", "Which AI company was Vera Jourova meeting about deepfakes?", ["OpenAI"]),
    (79, "how_many", "How many main worlds are in Super Mario Bros. Wonder?", ["six", "6"]),
    (
        80,
        "what",
        "What was the most recommended money app in The Verge's Installer?",
        ["YNAB", "You Need A Budget"],
    ),
    (81, "who", "Who's the top fantasy QB for Week 14 per Sporting News?", ["Josh Allen"]),
    (82, "where", "Where did StarNews Mobile start?", ["Cameroon"]),
    (83, "when", "When is the 2023 AFL Draft?", ["November 20 and 21", "November 20"]),
    (84, "who", "Who coached Michigan against Penn State?", ["Sherrone Moore", "Moore"]),
    (
        85,
        "what",
        "What's Don McLean's new Christmas album called?",
        ["Christmas Memories: Remixed & Remastered", "Christmas Memories"],
    ),
    (86, "summary", "Summarize the Business Line article on buying Reliance stock", []),
    (87, "where", "Where can I stream A Haunting in Venice?", ["Hulu"]),
    (88, "when", "When was Shayda released in Australia?", ["5 October"]),
    (
        89,
        "where",
        "Where did Will Smith talk about his relationship with Jada?",
        ["Baltimore", "Enoch Pratt Free Library"],
    ),
    (
        90,
        "how_much",
        "How much did Coinbase stock rise in November, per CNBC?",
        ["more than 60%", "60%"],
    ),
    (91, "who", "Who wrote Stone Yard Devotional?", ["Charlotte Wood"]),
    (92, "when", "Since when have Will and Jada Smith been separated?", ["2016"]),
    (93, "how_many", "How many vehicles did NIO deliver in November?", ["15,959"]),
    (94, "summary", "What's Fortune's piece on Gen Z and the Israel-Hamas war about?", []),
    (
        95,
        "where",
        "Where did Travis Kelce talk about deleting his old tweets?",
        ["New Heights", "podcast"],
    ),
    (96, "how_many", "How many users does Spill have?", ["200,000"]),
    (97, "what", "Which MLB teams need a new manager?", ["Mets", "Angels", "Astros", "Guardians"]),
    (98, "how_many", "How many times have India and Australia met at ODI World Cups?", ["13"]),
    (99, "who_is", "What is Noirvember?", ["noir movies", "collective urge"]),
    (100, "what", "What was the final score of Bills vs Bengals?", ["24-18"]),
    (
        101,
        "why_how",
        "How did ketamine lead to Matthew Perry's death, per Fox News?",
        ["loss of consciousness", "slipped under the water"],
    ),
    (
        102,
        "yes_no",
        "Did Messi start for Argentina against Paraguay?",
        ["no"],
        "Lionel Messi came off the bench shortly after halftime",
    ),
    (
        103,
        "who",
        "Who wrote I Heard the Bells on Christmas Day?",
        ["Henry Wadsworth Longfellow", "Longfellow"],
    ),
    (104, "where", "Where did Belgium beat England in the Women's Nations League?", ["Leuven"]),
    (105, "what", "What won Best Indie Game at the 2023 Game Awards?", ["Cocoon"]),
    (
        106,
        "why_how",
        "Why is Emily Ratajkowski's photo shoot getting backlash?",
        ["fatphobic", "body image"],
    ),
    (107, "where", "Where did the USMNT play Germany?", ["East Hartford", "Hartford"]),
    (
        108,
        "how_many",
        "How many Chelsea goals were ruled out at Tottenham, per Sporting News?",
        ["four", "4"],
    ),
    (
        109,
        "when",
        "What's the last day to ship UPS Next Day Air for Christmas?",
        ["December 21st", "Thursday, December 21st"],
    ),
    (110, "how_many", "How many tries has Damian Penaud scored for France?", ["35"]),
    (
        111,
        "yes_no",
        "Did Frank Reich give up play-calling?",
        ["yes"],
        "Reich already gave up play-calling to offensive coordinator Thomas Brown",
    ),
    (
        112,
        "why_how",
        "Why does New York value Mar-a-Lago so low?",
        ["only as a club", "development rights"],
    ),
    (113, "who_is", "What is PhilEd?", ["Philippine Education Development Fund"]),
    (
        114,
        "yes_no",
        "Have the Shameless founders taken any outside investment?",
        ["no"],
        "have never taken on any outside investment",
    ),
    (115, "how_many", "How long was Boris Becker in prison?", ["eight months"]),
    (116, "when", "When was OpenAI's first developer conference?", ["November 6"]),
    (
        118,
        "who",
        "Who scored both goals for Man United against Chelsea?",
        ["Scott McTominay", "McTominay"],
    ),
    (119, "when", "When did the November geomagnetic storm peak?", ["Nov. 5"]),
    (
        120,
        "where",
        "Which cities did Cruise pause driverless rides in?",
        ["Austin", "Houston", "Phoenix", "San Francisco"],
    ),
    (
        121,
        "yes_no",
        "Is Meta removing posts that identify Hamas hostages?",
        ["yes"],
        "removing content that \u201cclearly identifies hostages",
    ),
    (
        122,
        "how_much",
        "How much did Microsoft pay for Activision, per the BBC?",
        ["$69bn", "69bn", "£56bn"],
    ),
    (
        123,
        "who_is",
        "Who is Paul Mitchell, the football executive?",
        ["sporting director", "Monaco"],
    ),
    (
        124,
        "what",
        "What did Travis Kelce's friendship bracelet say?",
        ["Vigilante S***", "Vigilante"],
    ),
    (126, "when", "When was the first Cricket World Cup?", ["1975"]),
    (127, "why_how", "Why is Brock Purdy called Mr. Irrelevant?", ["final pick"]),
    (
        128,
        "summary",
        "Summarize the BusinessWorld column on the Philippines' sustainable development strategy",
        [],
    ),
    (129, "what", "What gene did the IMBA team find in intestinal stem cells?", ["Daam1"]),
    (
        130,
        "yes_no",
        "Can you watch Five Nights at Freddy's on Peacock?",
        ["yes"],
        "hitting theaters simultaneously with a Peacock streaming debut",
    ),
    (131, "why_how", "How have past Israel-Hamas conflicts affected markets?", ["limited impact"]),
    (132, "what", "What is the Warlock's main ability in Baldur's Gate 3?", ["Charisma"]),
    (133, "what", "What's Polygon's Oct. 1 pick in its Halloween countdown?", ["Messiah of Evil"]),
    (134, "what", "What did Ford's Mark Rushbrook say NASCAR fans buy most?", ["F-150"]),
    (
        135,
        "who",
        "Who's the captain pick in the Eagles-Seahawks DraftKings lineup?",
        ["DK Metcalf", "Metcalf"],
    ),
    (
        136,
        "yes_no",
        "Did Greg Brockman stay at OpenAI after Altman was fired?",
        ["no"],
        "based on today's news, i quit.",
    ),
    (137, "who_is", "Who is Owen Teale?", ["Welsh actor", "Ser Alliser Thorne", "Game of Thrones"]),
    (
        138,
        "why_how",
        "What turned Bills safety Jordan Poyer's life around, per the NYT?",
        ["ayahuasca"],
    ),
    (139, "why_how", "Why is Pebble shutting down?", ["competition", "competitive landscape"]),
    (
        140,
        "what",
        "Which new shows did Polygon's best TV list just add?",
        ["Castlevania: Nocturne", "Gen V", "Hijack", "The Continental"],
    ),
    (141, "what", "What is FanDuel's Taylor Swift prop bet menu called?", ["Prop Stars"]),
    (
        142,
        "how_much",
        "How much is AI21 Labs paying a year for its Tel Aviv offices?",
        ["NIS 15 million", "15 million"],
    ),
    (
        143,
        "yes_no",
        "Has Meta complied with Norway's ban on tracking ads?",
        ["no"],
        "Meta has continued to flout the Datatilsynet order",
    ),
    (
        144,
        "who_is",
        "Who is Jon Copley?",
        ["ocean explorer", "professor of ocean exploration", "University of Southampton"],
    ),
    (
        145,
        "who",
        "Who scored Real Madrid's third goal against Girona?",
        ["Jude Bellingham", "Bellingham"],
    ),
    (146, "summary", "What is the AI Alliance from Meta and IBM about?", []),
    (
        147,
        "who",
        "Who hit the winning six in the deciding West Indies v England T20?",
        ["Shai Hope", "Hope"],
    ),
    (
        148,
        "how_much",
        "How much did each winner of MrBeast's 100-day challenge get?",
        ["$185,000", "185,000"],
    ),
    (149, "when", "What time is Raiders at Chiefs on Christmas Day?", ["1 p.m. ET", "1 p.m."]),
    (150, "summary", "Summarize the latest from the US v Google antitrust trial", []),
    (
        151,
        "where",
        "Where did Mikaela Shiffrin's parents meet?",
        ["St. Elizabeth's Medical Center", "Brighton, Massachusetts"],
    ),
    (152, "when", "When do Cybertruck deliveries start?", ["November 30"]),
    (153, "summary", "What's the TechCrunch story on US venture capital in China about?", []),
    (
        154,
        "yes_no",
        "Is Jim Jordan still the Republican pick for Speaker?",
        ["no"],
        "Republicans dropped Rep. Jim Jordan on Friday as their nominee",
    ),
    (155, "why_how", "Why did the Chargers fire Brandon Staley?", ["63-21", "Raiders"]),
    (156, "summary", "Key points of the TechCrunch piece where six VCs talk AI startups?", []),
    (
        157,
        "how_many",
        "How many touchdown passes did Brock Purdy throw against the Eagles?",
        ["four", "4"],
    ),
    (
        158,
        "yes_no",
        "Is Everton appealing its points deduction?",
        ["yes"],
        "Everton's appeal against the 10-point deduction will be heard",
    ),
    (
        159,
        "what",
        "What did Arnold Schwarzenegger do when his son didn't make his bed?",
        ["threw his mattress", "mattress"],
    ),
    (160, "when", "When is Castlevania: Nocturne set?", ["French Revolution", "late 18th century"]),
    (
        161,
        "how_many",
        "How many goals has Ronaldo scored for Al Nassr this year, per talkSPORT?",
        ["43"],
    ),
    (
        162,
        "what",
        "What's the main skill in the Diablo 4 Sorcerer leveling build?",
        ["Chain Lightning"],
    ),
    (
        163,
        "when",
        "When does online sports betting launch in Vermont?",
        ["January 2024", "Jan. 11, 2024"],
    ),
    (
        164,
        "who_is",
        "What is line shopping in sports betting?",
        ["checking the lines and odds", "multiple online sports betting sites"],
    ),
    (165, "what", "What's new for getting around the city in Spider-Man 2?", ["web wings"]),
    (
        166,
        "how_much",
        "How much Apple Store credit do you get with a MacBook Air?",
        ["$200", "up to $200"],
    ),
    (
        167,
        "what",
        "Which documentary series looked at Robin Williams' drug use?",
        ["The Dark Side of Comedy", "Dark Side of Comedy"],
    ),
    (
        168,
        "yes_no",
        "Did Apple consider walking away from its Google search deal?",
        ["no"],
        "Cue said he'd never really considered that an option",
    ),
    (169, "who", "Who scored the USMNT's goal against Germany?", ["Christian Pulisic", "Pulisic"]),
]

# ---------------------------------------------------------------------------
# Step 3: follow-ups.  (sample index, first question, one-sentence answer to it,
#          follow-up question, kind of the follow-up, gold answers, followup type)
# "dependent": needs the history (pronoun / ellipsis).  "standalone": a new,
# self-contained question on another topic, asked after an unrelated history;
# for those the sample index is the article that answers the NEW question and
# the history is about another sampled article.
# ---------------------------------------------------------------------------
FOLLOWUPS = [
    (
        34,
        "Why did Scherzer leave Game 3 of the World Series?",
        "Max Scherzer was pulled with a lower back injury after three scoreless innings.",
        "Who came in for him?",
        "who",
        ["Jon Gray", "Gray"],
        "dependent",
    ),
    (
        66,
        "Who kicked Colorado's winning field goal against Arizona State?",
        "Alejandro Mata kicked the game-winner with 12 seconds left.",
        "How long was the kick?",
        "how_many",
        ["43-yard", "43"],
        "dependent",
    ),
    (
        75,
        "What contract did Shohei Ohtani sign?",
        "He agreed to a record 10-year, $700 million deal with significant deferrals.",
        "Which team?",
        "who",
        ["Dodgers", "Los Angeles"],
        "dependent",
    ),
    (
        136,
        "Who replaced Sam Altman as OpenAI's interim CEO?",
        "Mira Murati, OpenAI's chief technology officer, took over as interim CEO.",
        "And who told him he was out?",
        "who",
        ["Ilya Sutskever", "Sutskever"],
        "dependent",
    ),
    (
        68,
        "Why is the Apple Watch being banned?",
        "The ITC found that Apple infringed patents held by the medical device maker Masimo.",
        "When does the ban start?",
        "when",
        ["December 26th", "December 26"],
        "dependent",
    ),
    (
        23,
        "Who bought a stake in Cubic Telecom?",
        "SoftBank Corp. took a 51% stake in the Dublin-based company.",
        "How much did they pay?",
        "how_much",
        ["€473 million", "$513 million", "473 million", "513 million"],
        "dependent",
    ),
    (
        154,
        "Why did Republicans drop Jim Jordan as their Speaker nominee?",
        "He failed badly on a third ballot for the gavel as centrist Republicans revolted.",
        "How many Republicans voted against him?",
        "how_many",
        ["25"],
        "dependent",
    ),
    (
        29,
        "Who won Chiefs vs Packers on Sunday night?",
        "The Packers beat the Chiefs at Lambeau Field.",
        "How many TD passes did their quarterback throw?",
        "how_many",
        ["three", "3"],
        "dependent",
    ),
    (
        122,
        "How much did Microsoft pay for Activision Blizzard?",
        "Microsoft paid $69bn (£56bn) for the company.",
        "Who got the cloud gaming rights to its games?",
        "who",
        ["Ubisoft"],
        "dependent",
    ),
    (
        0,
        "How much did Scalable Capital raise?",
        "It raised €60 million, about $65 million, in a round led by Balderton.",
        "What's it valued at?",
        "how_much",
        ["$1.4 billion", "1.4 billion", "$1.4B"],
        "dependent",
    ),
    (
        60,
        "Who wrote the book Going Infinite?",
        "Michael Lewis, the author of Moneyball and The Big Short.",
        "How many times did he meet SBF?",
        "how_many",
        ["more than 100", "100"],
        "dependent",
    ),
    (
        33,
        "Who bought Psagot Investment House?",
        "Rani Zim, who made his fortune with the Kimat Hinam supermarket chain.",
        "What did he pay for it?",
        "how_much",
        ["NIS 405 million", "405 million"],
        "dependent",
    ),
    (
        147,
        "Who won the T20 series between West Indies and England?",
        "West Indies won the series 3-2.",
        "Who hit the winning runs in the last game?",
        "who",
        ["Shai Hope", "Hope"],
        "dependent",
    ),
    (
        84,
        "Who coached Michigan against Penn State?",
        "Acting head coach Sherrone Moore led the Wolverines.",
        "What was the score?",
        "what",
        ["24-15"],
        "dependent",
    ),
    (
        101,
        "What was Matthew Perry's cause of death?",
        "The autopsy listed the acute effects of ketamine.",
        "When did the FDA approve it for depression?",
        "when",
        ["2019"],
        "dependent",
    ),
    (
        148,
        "How much did the winners of MrBeast's 100-day challenge get?",
        "Suzie Taylor and Bailey Stanfield won $185,000 each.",
        "What did she want to do with the money?",
        "what",
        ["pay off my parents"],
        "dependent",
    ),
    (
        139,
        "Who runs Pebble, the Twitter alternative?",
        "Gabor Cselle is its co-founder and CEO.",
        "How many daily users did it peak at?",
        "how_many",
        ["3,000"],
        "dependent",
    ),
    (
        96,
        "How much did Spill raise in its extension round?",
        "It raised a $2 million extension led by Collide Capital.",
        "Who founded it?",
        "who",
        ["Alphonzo Terrell", "Terrell"],
        "dependent",
    ),
    (
        112,
        "What does Trump say Mar-a-Lago is worth?",
        "His 2021 statement of financial condition put it at $US612.1 million.",
        "And New York's number?",
        "how_much",
        ["$US27.6 million", "27.6 million"],
        "dependent",
    ),
    (
        5,
        "Who scored the most runs at the 2023 Cricket World Cup?",
        "Virat Kohli topped the run charts for India.",
        "How many did he make?",
        "how_many",
        ["765"],
        "dependent",
    ),
    (
        63,
        "Who at Meta wants parents to approve teens' app downloads?",
        "Antigone Davis, Meta's global head of safety, made the case in a blog post.",
        "Up to what age would that apply?",
        "how_many",
        ["16"],
        "dependent",
    ),
    (
        104,
        "Who scored twice for Belgium against England?",
        "Tessa Wullaert, including the late winning penalty.",
        "And who scored for England?",
        "who",
        ["Lucy Bronze", "Fran Kirby", "Bronze", "Kirby"],
        "dependent",
    ),
    # standalone: unrelated history, then a self-contained question
    (
        146,
        (
            "Is the EU investigating X under the DSA?",
            "Yes, the European Commission opened formal proceedings against X.",
        ),
        None,
        "What is the AI Alliance that Meta and IBM launched?",
        "who_is",
        ["industry body", "open innovation"],
        "standalone",
        15,
    ),
    (
        26,
        (
            "Was Taylor Swift named Time's Person of the Year?",
            "Yes, Time named her its 2023 Person of the Year.",
        ),
        None,
        "Why do Uber assault survivors want cameras in cars?",
        "why_how",
        ["deterrent", "on film"],
        "standalone",
        42,
    ),
    (
        90,
        ("What contract did Shohei Ohtani sign?", "A 10-year, $700 million deal with the Dodgers."),
        None,
        "When is Sam Bankman-Fried being sentenced?",
        "when",
        ["March"],
        "standalone",
        75,
    ),
    (
        152,
        (
            "Why did Cruise pause its robotaxis?",
            "California's DMV suspended its driverless permits, and Cruise then paused "
            "driverless operations elsewhere.",
        ),
        None,
        "How much profit did Tesla make in the third quarter?",
        "how_much",
        ["$1.85 billion", "1.85 billion"],
        "standalone",
        120,
    ),
    (
        24,
        (
            "Who told Sam Altman he was fired?",
            "OpenAI co-founder and chief scientist Ilya Sutskever informed him in a video call.",
        ),
        None,
        "When was ChatGPT first released?",
        "when",
        ["November 30, 2022", "November 2022"],
        "standalone",
        136,
    ),
    (
        158,
        (
            "What was the score of Man United vs Galatasaray?",
            "It finished 3-3 after United let a two-goal lead slip.",
        ),
        None,
        "Summarize the story on Everton's points deduction",
        "summary",
        [],
        "standalone",
        47,
    ),
]

# ---------------------------------------------------------------------------
# Step 4: on-topic questions that NO article of the corpus answers.
# (sample index of the article they sound like, question, what was grepped)
# The regexes in UNANSWERABLE_GREPS are re-run by validate.py over all 609
# articles (case-insensitive, DOTALL); each must find no answer.
# ---------------------------------------------------------------------------
UNANSWERABLE = [
    (
        66,
        "How old is Colorado kicker Alejandro Mata?",
        r"Mata.{0,40}(\d\d-year-old|, \d\d,)|\d\d-year-old.{0,30}Mata",
    ),
    (
        0,
        "What was Scalable Capital's revenue last year?",
        r"Scalable.{0,400}(revenue|profit|sales)",
    ),
    (
        23,
        "How many employees does Cubic Telecom have?",
        r"Cubic.{0,300}(employ|staff|headcount|workers)",
    ),
    (2, "How tall is Chase Young?", r"Chase Young.{0,200}(6-\d|feet|height|inches|pounds)"),
    (
        18,
        "What's the name of Denise George's husband?",
        r"Denise George.{0,4000}her husband,? [A-Z]|husband,? [A-Z][a-z]+ George",
    ),
    (
        126,
        "Where will the 2027 Cricket World Cup be held?",
        r"(cricket|ODI|ICC).{0,300}2027|2027.{0,300}(cricket|ODI|ICC)",
    ),
    (
        29,
        "What was the attendance at Lambeau for Chiefs vs Packers?",
        r"(Chiefs|Packers|Lambeau).{0,300}(attendance of|crowd of|\d{2},\d{3} fans)",
    ),
    (6, "How many YouTube subscribers does Gawr Gura have?", r"Gura.{0,300}(million|\d{3},\d{3})"),
    (
        28,
        "When will the White House AI council hold its first meeting?",
        r"AI council.{0,500}(first meeting|will first meet|meet on|convene)",
    ),
    (
        42,
        "Who photographed Taylor Swift for Time's Person of the Year cover?",
        r"Person of the Year.{0,1500}(photographed by|photograph by|shot by)",
    ),
    (
        57,
        "How much does a High Limit sprint car race pay the winner?",
        r"High Limit.{0,600}(\$\s?\d|purse of|prize of)",
    ),
    (9, "How much is Kravata raising in its seed round?", r"Kravata.{0,500}(\$\s?\d|million)"),
    (96, "What is Spill valued at?", r"Spill.{0,300}(valuation|valued at)"),
    (
        60,
        "How much was Michael Lewis paid to write Going Infinite?",
        r"Lewis (was|got) paid|Lewis.{0,100}advance|advance.{0,100}Lewis",
    ),
    (
        137,
        "How much is Owen Teale getting paid to play Scrooge?",
        r"Teale.{0,3000}(\$\s?\d|salary|\bfee\b)",
    ),
    (
        88,
        "What is Noora Niasari's next film?",
        r"Niasari.{0,400}(next film|next project|upcoming|developing)",
    ),
    (
        146,
        "How much money are the AI Alliance members putting in?",
        r"AI Alliance.{0,800}(\$|billion|million|fund)",
    ),
    (
        120,
        "When will Cruise restart its robotaxi service?",
        r"Cruise.{0,300}(resum|restart|relaunch)",
    ),
    (
        136,
        "How old is Mira Murati?",
        r"Murati.{0,60}(\d\d-year-old|aged? \d|born)|\d\d-year-old.{0,40}Murati",
    ),
    (
        79,
        "How many copies has Super Mario Bros. Wonder sold?",
        r"Wonder.{0,400}(copies|units sold|million sold|sold \d)",
    ),
    (
        68,
        "How much would a Masimo patent license cost Apple?",
        r"Masimo.{0,400}licens.{0,300}(\$|million|billion)",
    ),
    (
        41,
        "How many copies did Pink Friday 2 sell in its first week?",
        r"Pink Friday 2.{0,600}(sold|units|first.week|Billboard 200)",
    ),
    (
        84,
        "How old is Sherrone Moore?",
        r"Sherrone Moore.{0,60}(\d\d-year-old|, \d\d,|aged? \d)|\d\d-year-old.{0,30}Sherrone",
    ),
    (
        33,
        "What is Rani Zim's net worth?",
        r"Zim.{0,300}(net worth|worth of|fortune of|fortune estimated)",
    ),
    (
        160,
        "When is Castlevania: Nocturne season 2 coming out?",
        r"Castlevania.{0,600}(season 2|second season|renewed|season two)",
    ),
    (
        130,
        "How long is the Five Nights at Freddy's movie?",
        r"Five Nights.{0,800}(minutes|run ?time|\dh \d)",
    ),
    (
        148,
        "How old is Suzie Taylor from the MrBeast challenge?",
        r"Suzie Taylor.{0,100}(\d\d-year-old|, \d\d)|\d\d-year-old.{0,40}Suzie",
    ),
    (
        59,
        "How much revenue does 10 Minute School make?",
        r"(10 Minute School|10MS).{0,500}(revenue|profit)",
    ),
    (
        139,
        "How many employees did Pebble have when it shut down?",
        r"Pebble.{0,300}(employees|staff|headcount)",
    ),
    (22, "How many Test caps does Samu Kerevi have?", r"Kerevi.{0,200}(caps|Tests|test matches)"),
]

# ---------------------------------------------------------------------------
# Step 5a: the seed article /work/main/corpus/russia-venezuela.md
# ---------------------------------------------------------------------------
SEED_DOC = "russia-venezuela"
SEED = [
    ("summary", "What is this article about?", []),
    ("who_is", "Who is Nicolás Maduro?", ["Venezuelan President", "President"]),
    (
        "yes_no",
        "Did Russia accept the election result?",
        ["yes"],
        "Maduro's victory is legitimate and represents the will of the people",
    ),
    (
        "who",
        "Who is Russia's ambassador to Venezuela?",
        ["Sergey Melik-Bagdasarov", "Melik-Bagdasarov"],
    ),
    ("how_many", "What percentage of the vote did Maduro get?", ["51%"]),
    ("when", "When was the Venezuelan presidential election?", ["July 28", "July 29"]),
    (
        "who",
        "Who said there was overwhelming evidence the opposition won?",
        ["Antony Blinken", "Blinken"],
    ),
    (
        "who",
        "Who does Blinken say really won the election?",
        ["Edmundo Gonzalez Urrutia", "Edmundo Gonzalez", "Gonzalez Urrutia"],
    ),
    ("what", "Which Russian company has invested in Venezuela's oil industry?", ["Rosneft"]),
    (
        "who_is",
        "Who is Vyacheslav Volodin?",
        ["Russian parliamentary speaker", "parliamentary speaker"],
    ),
    ("what", "What did the US promise if opposition candidates could run?", ["lift sanctions"]),
    ("where", "Where did riots break out after the vote?", ["Caracas"]),
]
SEED_UNANSWERABLE = [
    (
        "How many votes did Edmundo Gonzalez get?",
        "seed article read in full: only Maduro's 51% is given, no figure for Gonzalez",
    ),
    (
        "What was the turnout in Venezuela's election?",
        "seed article read in full: no turnout figure",
    ),
    (
        "How much has Rosneft invested in Venezuela?",
        "seed article read in full: says 'substantial investments', no amount",
    ),
    ("How old is Nicolás Maduro?", "seed article read in full: no age or birth date"),
]

# ---------------------------------------------------------------------------
# Step 5b: five documents of other kinds (bench/natural/docs, built by make_docs.py)
# (doc file name, kind, question, answers[, evidence])
# ---------------------------------------------------------------------------
DOCS = [
    (
        "q3-report.pdf",
        "how_much",
        "What was Corvane's revenue in Q3 2024?",
        ["$48.6 million", "48.6 million"],
    ),
    ("q3-report.pdf", "who", "Who is Corvane's CFO?", ["Ravi Menon"]),
    ("q3-report.pdf", "where", "Where did Corvane open its new plant?", ["Tampere", "Finland"]),
    ("q3-report.pdf", "how_many", "How many employees does Corvane have?", ["612"]),
    (
        "q3-report.pdf",
        "yes_no",
        "Did Corvane's gross margin improve from last year?",
        ["yes"],
        "Gross margin rose to 41.2% from 38.9% a year ago",
    ),
    (
        "q3-report.pdf",
        "when",
        "When is Corvane paying its quarterly dividend?",
        ["November 15, 2024", "November 15"],
    ),
    (
        "council-minutes.docx",
        "how_much",
        "How much is the town's new street sweeper?",
        ["$186,500", "186,500"],
    ),
    (
        "council-minutes.docx",
        "who",
        "Which councilor missed the March 12 meeting?",
        ["Derek Olsen", "Olsen"],
    ),
    (
        "council-minutes.docx",
        "when",
        "When is the next town council meeting?",
        ["March 26, 2024", "March 26"],
    ),
    (
        "council-minutes.docx",
        "yes_no",
        "Did the council pass the leaf blower ordinance?",
        ["no"],
        "the first reading was tabled",
    ),
    (
        "council-minutes.docx",
        "how_many",
        "How many potholes has Millhaven Crossing filled this year?",
        ["212"],
    ),
    (
        "council-minutes.docx",
        "what",
        "What's changing with the library hours?",
        ["Sundays", "1:00 to 5:00 p.m."],
    ),
    ("museum.html", "how_much", "How much is an adult ticket at the maritime museum?", ["$14"]),
    (
        "museum.html",
        "yes_no",
        "Is the maritime museum open on Mondays?",
        ["no"],
        "Closed Mondays, except on public holidays",
    ),
    (
        "museum.html",
        "what",
        "What exhibition is on at the Gullhaven Maritime Museum?",
        ["Lights Along the Shoal"],
    ),
    ("museum.html", "where", "Where do I park for the maritime museum?", ["Cannery Lane"]),
    ("museum.html", "when", "What time are the schooner deck tours?", ["11 a.m.", "2 p.m."]),
    (
        "museum.html",
        "who_is",
        "What is the Marguerite Dunn?",
        ["two-masted fishing schooner", "schooner"],
    ),
    (
        "office-move-memo.txt",
        "when",
        "When does the new office open?",
        ["Wednesday, October 23", "October 23"],
    ),
    (
        "office-move-memo.txt",
        "who",
        "Who do I contact about IT for the office move?",
        ["Ben Okafor", "Okafor"],
    ),
    (
        "office-move-memo.txt",
        "how_many",
        "How many packing crates does each person get?",
        ["four", "4"],
    ),
    (
        "office-move-memo.txt",
        "where",
        "Where is the new office?",
        ["220 Foundry Lane", "Riverside Commons"],
    ),
    (
        "office-move-memo.txt",
        "yes_no",
        "Do we have to work from home during the move?",
        ["yes"],
        "all staff will work remotely",
    ),
    ("office-move-memo.txt", "how_much", "How much will a garage pass cost me?", ["$45", "45"]),
    (
        "ap300-faq.md",
        "when",
        "How often should I replace the AP-300 filter?",
        ["every 12 months", "12 months"],
    ),
    ("ap300-faq.md", "how_much", "How much is a replacement filter for the AP-300?", ["$39.99"]),
    (
        "ap300-faq.md",
        "yes_no",
        "Does the AP-300 work with 5 GHz Wi-Fi?",
        ["no"],
        "works with 2.4 GHz networks only",
    ),
    (
        "ap300-faq.md",
        "how_many",
        "How big a room can the AP-300 handle?",
        ["40 square meters", "430 square feet"],
    ),
    (
        "ap300-faq.md",
        "why_how",
        "How do I get a longer warranty on the AP-300?",
        ["register", "within 30 days", "three years"],
    ),
]
DOCS_UNANSWERABLE = [
    (
        "q3-report.pdf",
        "What was Corvane's revenue in the second quarter?",
        "document read in full: only Q3 2024 and Q3 2023 figures",
    ),
    (
        "council-minutes.docx",
        "What is Mayor Petrakis's salary?",
        "document read in full: no salaries",
    ),
    (
        "museum.html",
        "Can I bring my dog to the maritime museum?",
        "page read in full: only service animals are mentioned",
    ),
    (
        "office-move-memo.txt",
        "What's the Wi-Fi password at the new office?",
        "memo read in full: no Wi-Fi details",
    ),
    (
        "ap300-faq.md",
        "Is the AP-300 sold in Canada?",
        "FAQ read in full: no countries or retailers",
    ),
]


def build():
    rows = []

    def add(**kw):
        q = {
            "id": None,
            "collection": kw["collection"],
            "question": kw["question"],
            "kind": kw["kind"],
            "doc_id": kw.get("doc_id"),
            "answers": kw.get("answers", []),
            "should_refuse": kw.get("should_refuse", False),
            "history": kw.get("history", []),
            "followup": kw.get("followup"),
        }
        if kw.get("evidence"):
            q["evidence"] = kw["evidence"]
        if kw.get("checked"):
            q["checked"] = kw["checked"]
        rows.append(q)

    for item in MULTIHOP:
        idx, kind, question, answers = item[:4]
        add(
            collection="multihop",
            question=question,
            kind=kind,
            doc_id=SAMPLE[idx],
            answers=answers,
            evidence=item[4] if len(item) > 4 else None,
        )

    for item in FOLLOWUPS:
        idx, first, reply, question, kind, answers, ftype = item[:7]
        if ftype == "standalone":
            first, reply = first
        history = [{"role": "user", "content": first}, {"role": "assistant", "content": reply}]
        add(
            collection="multihop",
            question=question,
            kind=kind,
            doc_id=SAMPLE[idx],
            answers=answers,
            history=history,
            followup=ftype,
        )

    for idx, question, pattern in UNANSWERABLE:
        add(
            collection="multihop",
            question=question,
            kind=guess_kind(question),
            doc_id=SAMPLE[idx],
            answers=[],
            should_refuse=True,
            checked="regex over all 609 corpus articles found no answer: " + pattern,
        )

    for item in SEED:
        kind, question, answers = item[:3]
        add(
            collection="seed",
            question=question,
            kind=kind,
            doc_id=SEED_DOC,
            answers=answers,
            evidence=item[3] if len(item) > 3 else None,
        )
    for question, note in SEED_UNANSWERABLE:
        add(
            collection="seed",
            question=question,
            kind=guess_kind(question),
            doc_id=SEED_DOC,
            answers=[],
            should_refuse=True,
            checked=note,
        )

    for item in DOCS:
        doc, kind, question, answers = item[:4]
        add(
            collection="docs",
            question=question,
            kind=kind,
            doc_id=doc,
            answers=answers,
            evidence=item[4] if len(item) > 4 else None,
        )
    for doc, question, note in DOCS_UNANSWERABLE:
        add(
            collection="docs",
            question=question,
            kind=guess_kind(question),
            doc_id=doc,
            answers=[],
            should_refuse=True,
            checked=note,
        )

    for i, q in enumerate(rows, 1):
        q["id"] = f"nat-{i:03d}"
    with open(os.path.join(HERE, "questions.jsonl"), "w", encoding="utf-8") as f:
        for q in rows:
            f.write(json.dumps(q, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} questions to questions.jsonl")


def guess_kind(question):
    """Kind of an unanswerable question, from its wording."""
    ql = question.lower()
    for prefix, kind in (
        ("how old", "how_many"),
        ("how tall", "how_many"),
        ("how many", "how_many"),
        ("how much", "how_much"),
        ("how long", "how_many"),
        ("when", "when"),
        ("where", "where"),
        ("who", "who"),
        ("what's the name", "who"),
        ("can i", "yes_no"),
        ("is ", "yes_no"),
        ("does", "yes_no"),
    ):
        if ql.startswith(prefix):
            return kind
    return "what"


if __name__ == "__main__":
    build()
