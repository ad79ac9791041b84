/*
 * template.c - the shipped scene templates (see template.h).
 *
 * The scripts (话术) are written in the voice of a calm, respectful community
 * worker: say who you are, acknowledge the person, explain the reason, offer
 * a way forward.  "What not to say" lists the phrases that turn a hard moment
 * into a quarrel.  Communities edit their copies; these are the starting
 * point, not rules.
 */
#include "scene/template.h"

#include <string.h>

#define T(z, e) {z, e}
#define LIST(type, ...)                                                                            \
	(const type[]){__VA_ARGS__}, sizeof((const type[]){__VA_ARGS__}) / sizeof(type)
#define H(h, m) ((h) * 60 + (m))

/* ---- gate or entrance (小区出入口) ---- */

static const struct scene_tpl_script gate_scripts[] = {
    {T("居民拒绝登记", "A resident refuses to register"),
     T("居民或来访者不愿出示证件、扫码或登记，说“我就住这儿，凭什么登记”。",
       "A resident or visitor will not show ID, scan the code or sign in: \"I live here, why should "
       "I register?\""),
     T("您好，我是今天值守的志愿者，也是咱们小区的邻居。登记是为了万一有情况能第一时间联系到您，"
       "信息只用于这件事，不会外传。您要是不方便扫码，我帮您手写登记，半分钟就好。",
       "Hello, I'm the volunteer on duty today, and a neighbour too. We register so we can reach "
       "you quickly if anything happens; it is used for nothing else. If scanning is awkward, I can "
       "write it down for you; it takes half a minute."),
     T("“这是规定，不登记就别进”；“你这人怎么这么不配合”；当着别人的面念出对方的信息。",
       "\"Rules are rules, no registration no entry\"; \"Why are you so difficult?\"; reading the "
       "person's details aloud in front of others."),
     T("登记,沟通,出入口", "registration,communication,entrance")},
    {T("外卖和快递骑手", "A delivery rider"),
     T("外卖或快递骑手要进小区送货，时间紧，着急。",
       "A food or parcel delivery rider wants to come in to deliver, in a hurry."),
     T("师傅辛苦了。按小区现在的安排，外卖和快递请放在门口的取物架上，我马上帮您通知收件人，"
       "您拍照留个凭证就可以。如果是大件或者老人家的，我来安排人帮忙送上去。",
       "Thank you for your hard work. For now deliveries go on the rack by the gate; I'll let the "
       "recipient know right away and you can take a photo as proof. If it's heavy or for an "
       "elderly resident, I'll arrange for someone to carry it up."),
     T("“送外卖的不能进，走开”；对骑手和居民区别对待；拿骑手的差评或投诉开玩笑。",
       "\"Delivery people can't come in, go away\"; treating riders worse than residents; joking "
       "about their ratings or complaints."),
     T("外卖快递,出入口", "delivery,entrance")},
    {T("没有预约的访客", "A visitor without an appointment"),
     T("有人说来看亲戚朋友，但没有预约，也说不清门牌号。",
       "Someone says they are visiting family or friends but has no appointment and is unsure of "
       "the address."),
     T("欢迎您来。为了住户的安全，访客需要住户确认一下。您方便给您要找的人打个电话吗？"
       "或者告诉我楼号，我帮您联系。确认之后我登记一下，您就可以进去了。",
       "You're welcome here. For the residents' safety a visitor needs to be confirmed by the "
       "household. Could you call the person you are visiting? Or tell me the building and I'll "
       "contact them. Once confirmed I'll sign you in and you can go in."),
     T("“谁知道你是不是坏人”；把访客晾在一边不理；未经住户同意说出住户的家庭信息。",
       "\"How do I know you're not up to something?\"; leaving the visitor waiting without a word; "
       "giving out a household's details without their consent."),
     T("访客,登记,出入口", "visitor,registration,entrance")},
    {T("需要帮助的老人", "An elderly person who needs help"),
     T("老人提着重物、不会用手机扫码，或者看起来迷路、身体不适。",
       "An elderly person carries something heavy, cannot use the phone code, or seems lost or "
       "unwell."),
     T("阿姨（叔叔）您好，我来帮您。您慢慢说，不着急。码我帮您登记，东西我帮您拿。"
       "您住几号楼？需要的话我联系您家里人或者楼组长陪您回去。",
       "Hello, let me help you. Take your time, there's no hurry. I'll sign you in and carry your "
       "bag. Which building do you live in? If you like, I'll call your family or the building lead "
       "to walk you home."),
     T("“这都不会用？”；催促老人；大声说话或用命令的口气；让老人独自在门口等。",
       "\"You can't even use this?\"; hurrying them; shouting or giving orders; leaving them to wait "
       "alone at the gate."),
     T("老人,帮扶,出入口", "elderly,help,entrance")},
    {T("争执升级", "An argument that is escalating"),
     T("居民和值守人员或者居民之间声音越来越大，有人情绪激动，围观的人多起来。",
       "Voices rise between a resident and the volunteers, or between residents; someone is upset "
       "and a crowd gathers."),
     T("先降低音量，站到侧面，不挡路：“我理解您着急，咱们到旁边坐下慢慢说，我一定帮您想办法。”"
       "请另一位值守人员接替岗位。问清楚对方的需求，能当场解决的解决，不能的告诉对方谁会在什么时候答复。"
       "有人动手或者威胁时，退后，报告社区并报警。",
       "Lower your voice, stand to the side, don't block the way: \"I understand you're in a hurry; "
       "let's sit down over there and talk, and I'll find a way to help.\" Ask another volunteer to "
       "cover the post. Find out what the person needs; solve what you can on the spot, and say who "
       "will answer the rest and when. If anyone is violent or threatens, step back, report to the "
       "committee and call the police."),
     T("“你再闹我就报警”；和对方比嗓门、讲道理争输赢；用手机对着对方拍；推搡或拉扯。",
       "\"Keep this up and I'll call the police\"; out-shouting or out-arguing them; filming them "
       "with your phone; pushing or pulling."),
     T("冲突,降温,出入口", "conflict,de-escalation,entrance")},
    {T("车辆要求进入", "A car demands to come in"),
     T("外来车辆或没有登记的车辆要求进入小区，司机按喇叭催促。",
       "A visiting or unregistered car wants to come in; the driver honks."),
     T("您好，麻烦您先靠边停一下，别挡住后面的车。请问您到哪栋楼？我帮您联系住户或者物业，"
       "确认以后给您开闸，临时停车在访客车位。",
       "Hello, please pull over for a moment so the cars behind can pass. Which building are you "
       "going to? I'll contact the household or the property office, then open the barrier; "
       "visitors park in the visitor spaces."),
     T("站在车前拦车；拍打车窗；“没有车位，爱停哪停哪”。",
       "Standing in front of the car; banging on the window; \"No spaces, park wherever you like.\""),
     T("车辆,出入口", "vehicles,entrance")},
};

static const struct scene_tpl_band gate_main_bands[] = {
    {SCENE_EVERY_DAY, H(7, 0), H(9, 0), 3},
    {SCENE_EVERY_DAY, H(9, 0), H(17, 0), 2},
    {SCENE_EVERY_DAY, H(17, 0), H(20, 0), 3},
    {SCENE_EVERY_DAY, H(20, 0), H(22, 0), 1},
};

static const struct scene_tpl_post gate_posts[] = {
    {T("登记引导岗", "Registration and guidance"), T("主出入口", "Main entrance"),
     "communication,registration", gate_main_bands,
     sizeof(gate_main_bands) / sizeof(gate_main_bands[0]),
     LIST(struct scene_text, T("佩戴工作证和红马甲", "Wear the badge and the red vest"),
	  T("检查登记表、笔和扫码牌是否齐全", "Check the register, pens and the QR sign are in place"),
	  T("和上一班交接：未完成事项、需要关注的人", "Hand over with the previous shift: open matters, people to watch"),
	  T("核对出入人员，访客需住户确认", "Check people in and out; visitors are confirmed by the household"),
	  T("遇到需要帮助的老人，主动帮忙", "Offer help to elderly people who need it"),
	  T("记录当班发生的事情", "Record what happened during the shift"),
	  T("下班前整理台面，和下一班交接", "Tidy the desk and hand over to the next shift"))},
    {T("快递外卖岗", "Deliveries"), T("取物架", "Delivery rack"), "communication",
     LIST(struct scene_tpl_band, {SCENE_EVERY_DAY, H(10, 0), H(13, 0), 1},
	  {SCENE_EVERY_DAY, H(17, 0), H(20, 0), 1}),
     LIST(struct scene_text, T("取物架分区标识清楚", "Label the sections of the rack"),
	  T("通知收件人取件", "Tell recipients their delivery has arrived"),
	  T("老人和行动不便住户的物品安排送上楼", "Arrange carrying for elderly and disabled residents"),
	  T("超过两小时无人取的物品登记", "Log deliveries left more than two hours"))},
    {T("车辆岗", "Vehicles"), T("车行道闸", "Car barrier"), "communication,traffic",
     LIST(struct scene_tpl_band, {SCENE_WORKDAYS, H(7, 0), H(9, 0), 1},
	  {SCENE_WORKDAYS, H(17, 0), H(19, 0), 1}),
     LIST(struct scene_text, T("穿反光背心", "Wear the reflective vest"),
	  T("外来车辆登记车牌和去向", "Log the plate and destination of visiting cars"),
	  T("保持消防通道畅通", "Keep the fire lane clear"))},
};

/* ---- building corridor (楼道) ---- */

static const struct scene_tpl_script corridor_scripts[] = {
    {T("楼道堆物", "Belongings piled in the corridor"),
     T("居民在楼道里堆放纸箱、旧家具或杂物，挡住通道。",
       "A household stores boxes, old furniture or clutter in the corridor, narrowing the way."),
     T("您好，我是楼组长。楼道是大家的逃生通道，万一着火，东西会挡住路，也容易烧起来。"
       "这些东西您看是搬回家、卖掉，还是我们帮您联系回收？本周末前能处理好吗？",
       "Hello, I'm the building lead. The corridor is everyone's escape route; in a fire these "
       "things block the way and can burn. Would you like to take them in, sell them, or shall we "
       "arrange a pickup? Could it be done by the weekend?"),
     T("“再不搬我们就给你扔了”；在楼道群里点名批评；未经同意动别人的东西。",
       "\"Move it or we'll throw it out\"; naming and shaming in the building chat; touching their "
       "things without consent."),
     T("消防,楼道,邻里", "fire safety,corridor,neighbours")},
    {T("电动车进楼充电", "An e-bike charged in the building"),
     T("居民把电动自行车推进楼道或家里充电。",
       "A resident takes an e-bike into the corridor or the flat to charge it."),
     T("您好，电动车电池充电时容易起火，进楼充电非常危险，法规也不允许。小区的集中充电棚在"
       "（位置），刷卡就能充。您要是还没办卡，我现在带您去办。",
       "Hello, e-bike batteries can catch fire while charging; charging indoors is very dangerous "
       "and not allowed. The charging shed is at (place), you just tap a card. If you don't have a "
       "card yet, I'll take you to get one now."),
     T("“出了事你负责”；威胁断电或者没收车辆；只说不行，不说去哪里充。",
       "\"If it burns, it's on you\"; threatening to cut the power or take the bike; saying no "
       "without saying where to charge."),
     T("消防,电动车,楼道", "fire safety,e-bike,corridor")},
    {T("邻里噪音纠纷", "A noise complaint between neighbours"),
     T("楼上楼下因为噪音发生矛盾，一方来找楼组长。",
       "Neighbours above and below fall out over noise; one of them comes to the building lead."),
     T("谢谢您来找我，这事确实影响休息。我先分别听听两家的情况，再约个时间大家坐下来商量一个"
       "都能接受的办法，比如几点以后注意一点。",
       "Thank you for coming to me; it really does spoil your rest. I'll hear both households first, "
       "then we'll find a time to sit together and agree on something you can both live with, such "
       "as quiet after a certain hour."),
     T("“这点小事也来找我”；偏听一方；把一家说的话原样传给另一家。",
       "\"You come to me about this?\"; taking one side; passing one household's words to the other "
       "verbatim."),
     T("邻里,调解,楼道", "neighbours,mediation,corridor")},
};

static const struct scene_tpl_post corridor_posts[] = {
    {T("楼道巡查", "Corridor round"), T("各楼层", "Every floor"), "fire_safety",
     LIST(struct scene_tpl_band, {SCENE_WEEKEND, H(9, 0), H(11, 0), 2}),
     LIST(struct scene_text, T("从顶层往下逐层查看", "Walk down from the top floor"),
	  T("查看楼道是否堆物、消防通道是否畅通", "Look for clutter; the escape route must be clear"),
	  T("查看灭火器压力和有效期", "Check the extinguishers' pressure and expiry dates"),
	  T("查看楼道灯、门禁是否完好", "Check the stair lights and the entry door"),
	  T("查看有无电动车进楼充电", "Look for e-bikes charged indoors"),
	  T("拍照记录问题并告知住户", "Photograph problems and tell the households"))},
    {T("楼组长值守", "Building lead on call"), T("单元门口", "Stairwell entrance"), "communication",
     LIST(struct scene_tpl_band, {SCENE_WORKDAYS, H(18, 0), H(20, 0), 1}),
     LIST(struct scene_text, T("查看楼栋群里的求助信息", "Read requests for help in the building chat"),
	  T("走访独居老人", "Call on elderly people who live alone"),
	  T("更新公告栏", "Update the notice board"))},
};

/* ---- neighbourhood centre (社区中心) ---- */

static const struct scene_tpl_script centre_scripts[] = {
    {T("办事材料不全", "Papers for an application are incomplete"),
     T("居民来办事，但缺少材料，已经跑了不止一趟，很不高兴。",
       "A resident comes to apply for something but lacks a document, has already come more than "
       "once, and is upset."),
     T("让您多跑了，真不好意思。我把还差的材料写在这张单子上，能代办或者能线上补的我帮您办。"
       "下次您来直接找我，我把您的材料先留着。",
       "I'm sorry you've had to come again. I'll write down exactly what is missing on this slip; "
       "whatever can be done for you or sent online, I'll do. Next time ask for me directly; I'll "
       "keep your papers here."),
     T("“上次不是跟你说了吗”；“这不归我们管”却不说归谁管；让居民自己去查。",
       "\"I told you last time\"; \"Not our job\" without saying whose it is; telling them to look it "
       "up themselves."),
     T("办事,接待", "services,reception")},
    {T("情绪激动的投诉", "An angry complaint"),
     T("来访者情绪激动，大声投诉物业或者社区。",
       "A visitor is very upset and complains loudly about the property company or the committee."),
     T("请坐，先喝口水。您说，我记下来。（复述要点）我理解得对吗？这件事由（部门）负责，"
       "我今天就转过去，（日期）前给您回电话。",
       "Please sit down, have some water. Tell me, I'll write it down. (Repeat the key points.) Have "
       "I got that right? (Department) handles this; I'll pass it on today and call you back by "
       "(date)."),
     T("打断对方；“你冷静一点”；承诺做不到的事情。",
       "Interrupting; \"Calm down\"; promising what you can't deliver."),
     T("投诉,降温,接待", "complaint,de-escalation,reception")},
    {T("不会用手机预约的老人", "An elderly person who can't book online"),
     T("老人想参加活动或者办事，但不会用手机预约。",
       "An elderly person wants to join an activity or get something done but can't book on a "
       "phone."),
     T("没关系，我帮您约上。您把名字和电话告诉我就行。要是您愿意，我教您一步一步怎么约，下次"
       "您就会了。",
       "No problem, I'll book it for you; just tell me your name and phone number. If you like, I'll "
       "show you step by step so you can do it next time."),
     T("“网上都有，自己看”；拿过老人的手机不打招呼就操作。",
       "\"It's all online, look it up\"; taking their phone and tapping away without asking."),
     T("老人,帮扶,接待", "elderly,help,reception")},
};

static const struct scene_tpl_post centre_posts[] = {
    {T("前台接待", "Front desk"), T("大厅", "Hall"), "communication",
     LIST(struct scene_tpl_band, {SCENE_WORKDAYS, H(8, 30), H(12, 0), 2},
	  {SCENE_WORKDAYS, H(13, 30), H(17, 30), 2}, {SCENE_WEEKEND, H(9, 0), H(12, 0), 1}),
     LIST(struct scene_text, T("开门、开灯、开空调", "Open up, lights and air conditioning on"),
	  T("检查叫号机和登记本", "Check the queue machine and the visitors' book"),
	  T("来访登记：事由、联系方式、去向", "Log visits: purpose, contact, where they were sent"),
	  T("当天未办结的事项交给值班社工", "Hand unfinished matters to the worker on duty"))},
    {T("活动室管理", "Activity room"), T("二楼活动室", "First-floor activity room"), "",
     LIST(struct scene_tpl_band, {SCENE_EVERY_DAY, H(14, 0), H(17, 0), 1}),
     LIST(struct scene_text, T("核对当天预约", "Check today's bookings"),
	  T("活动前检查安全出口", "Check the emergency exits before the activity"),
	  T("活动后清点物品、关窗断电", "Count equipment after; close windows, switch off"))},
};

/* ---- testing or vaccination point (检测点/接种点) ---- */

static const struct scene_tpl_script testing_scripts[] = {
    {T("有人插队", "Someone jumps the queue"),
     T("排队时间长，有人插队，后面的人不满。",
       "The queue is long; someone cuts in and the people behind protest."),
     T("您好，大家都排了挺久，麻烦您到队尾排一下。如果您有急事或者身体不舒服，告诉我，老人、"
       "孕妇和有急事的我们有绿色通道。",
       "Hello, everyone has been waiting a while; please join the end of the queue. If it's urgent "
       "or you feel unwell, tell me: there's a priority lane for the elderly, pregnant women and "
       "emergencies."),
     T("当众指责“你怎么这么没素质”；让排队的人自己去理论。",
       "Scolding them in public; leaving the people in the queue to sort it out."),
     T("排队,秩序", "queue,order")},
    {T("没有智能手机", "No smartphone"),
     T("居民没有智能手机，或者手机没电，无法出示二维码。",
       "A resident has no smartphone, or its battery is flat, and cannot show the code."),
     T("不要紧，您带身份证了吗？我用证件帮您登记。没带的话告诉我姓名和住址，我核对一下名册。",
       "That's fine. Do you have your ID card? I'll register you with it. If not, tell me your name "
       "and address and I'll check the register."),
     T("“没有手机就回去拿”；让居民借别人的手机扫。",
       "\"No phone? Go home and get one\"; telling them to borrow someone else's phone."),
     T("登记,老人,帮扶", "registration,elderly,help")},
    {T("留观时身体不适", "Feeling unwell during observation"),
     T("接种后留观的居民说头晕、心慌或者出皮疹。",
       "A resident under observation after vaccination feels dizzy, has palpitations or a rash."),
     T("您先坐下（或躺下），别担心，我马上请医生过来。您旁边有家人吗？我在这陪着您。",
       "Please sit (or lie) down; don't worry, I'm getting the doctor now. Is anyone here with you? "
       "I'll stay with you."),
     T("“没事的，正常反应”（你不是医生）；让居民自己走去找医生。",
       "\"It's nothing, that's normal\" (you are not a doctor); sending them to walk to the doctor."),
     T("医疗,紧急", "medical,emergency")},
};

static const struct scene_tpl_post testing_posts[] = {
    {T("引导岗", "Guide"), T("入口", "Entrance"), "communication",
     LIST(struct scene_tpl_band, {SCENE_EVERY_DAY, H(7, 0), H(11, 0), 3},
	  {SCENE_EVERY_DAY, H(14, 0), H(17, 0), 2}),
     LIST(struct scene_text, T("设置一米线和绿色通道标识", "Set out the one-metre line and the priority-lane sign"),
	  T("提醒排队居民提前准备证件或二维码", "Remind people to have ID or the code ready"),
	  T("老人、孕妇、残疾人引导到绿色通道", "Guide the elderly, pregnant and disabled to the priority lane"))},
    {T("扫码登记岗", "Scanning and registration"), T("登记台", "Registration desk"),
     "registration",
     LIST(struct scene_tpl_band, {SCENE_EVERY_DAY, H(7, 0), H(11, 0), 2},
	  {SCENE_EVERY_DAY, H(14, 0), H(17, 0), 2}),
     LIST(struct scene_text, T("检查扫码设备和充电宝", "Check the scanners and power banks"),
	  T("准备纸质登记表备用", "Keep paper forms as a fallback"),
	  T("核对身份信息，不大声念出证件号", "Check identity without reading ID numbers aloud"))},
    {T("留观岗", "Observation"), T("留观区", "Observation area"), "first_aid",
     LIST(struct scene_tpl_band, {SCENE_EVERY_DAY, H(7, 30), H(11, 30), 1},
	  {SCENE_EVERY_DAY, H(14, 30), H(17, 30), 1}),
     LIST(struct scene_text, T("记录每人开始留观的时间", "Note when each person's observation starts"),
	  T("30分钟后确认无不适再离开", "Let them leave after 30 minutes without symptoms"),
	  T("知道急救箱和医生的位置", "Know where the first-aid kit and the doctor are"))},
};

/* ---- flood watch (防汛值守) ---- */

static const struct scene_tpl_script flood_scripts[] = {
    {T("居民不愿转移", "A resident refuses to leave"),
     T("积水上涨，低洼楼栋或地下室的居民不愿意离开家。",
       "Water is rising; a resident of a low-lying building or basement does not want to leave."),
     T("我知道离开家不放心。水还在涨，夜里会更危险，我们先去（安置点）住一晚，那里有床和热水。"
       "贵重物品和药带上，门我们帮您看着，水退了马上送您回来。",
       "I know it's hard to leave home. The water is still rising and the night will be worse; let's "
       "go to (shelter) for tonight, there are beds and hot water. Bring valuables and medicines; "
       "we'll keep an eye on your door and bring you back as soon as the water goes down."),
     T("“不走出了事自己负责”；夸大或者吓唬；强行拉人（除非有立即危险并报告）。",
       "\"If you stay, it's on you\"; exaggerating or frightening them; pulling them out by force "
       "(unless in immediate danger, and report it)."),
     T("转移,老人,紧急", "evacuation,elderly,emergency")},
    {T("劝阻车辆涉水", "Stopping a car from driving into water"),
     T("司机想开车穿过积水路段或者进入地下车库。",
       "A driver wants to drive through flooded road or into the underground car park."),
     T("师傅，前面水深大概（深度），已经有车熄火了，太危险。请您绕行（路线），车可以先停在"
       "（高处停车点）。",
       "Sir, the water ahead is about (depth) deep and cars have already stalled; it's too "
       "dangerous. Please take (route); you can park on (higher ground) for now."),
     T("站在车前；“淹了活该”。", "Standing in front of the car; \"Serves you right if it floods.\""),
     T("车辆,积水", "vehicles,flooding")},
    {T("独居老人需要转移", "An elderly person living alone must be moved"),
     T("名单上的独居或行动不便老人需要上门帮助转移。",
       "An elderly or disabled person on the care list who lives alone must be helped to leave."),
     T("（称呼），我是社区的（名字），来接您去安全的地方。您常吃的药在哪儿？我帮您收拾。"
       "我们两个人陪您下楼，慢慢走。",
       "(Name), I'm (your name) from the community, here to take you somewhere safe. Where are your "
       "medicines? I'll help you pack. Two of us will walk you down, slowly."),
     T("一个人搬运行动不便的老人；忘记带药和证件；不告诉家属。",
       "Moving a frail person alone; forgetting their medicines and ID; not telling the family."),
     T("转移,老人,帮扶", "evacuation,elderly,help")},
};

static const struct scene_tpl_post flood_posts[] = {
    {T("巡查岗", "Patrol"), T("低洼路段", "Low-lying road"), "first_aid",
     LIST(struct scene_tpl_band, {SCENE_EVERY_DAY, H(0, 0), H(8, 0), 2},
	  {SCENE_EVERY_DAY, H(8, 0), H(16, 0), 2}, {SCENE_EVERY_DAY, H(16, 0), H(24, 0), 2}),
     LIST(struct scene_text, T("每两小时记录一次水位", "Record the water level every two hours"),
	  T("查看雨水井是否堵塞", "Check the drains for blockages"),
	  T("积水超过警戒线立即报告", "Report at once when water passes the warning line"),
	  T("设置警示标志，劝阻车辆和行人", "Put out warning signs; turn back cars and walkers"))},
    {T("车库值守", "Car park watch"), T("地下车库入口", "Car park entrance"), "",
     LIST(struct scene_tpl_band, {SCENE_EVERY_DAY, H(18, 0), H(24, 0), 1}),
     LIST(struct scene_text, T("沙袋挡水板就位", "Sandbags and flood boards in place"),
	  T("查看集水坑水泵运行", "Check the sump pumps are running"),
	  T("水位上涨时通知车主挪车", "Tell car owners to move their cars as water rises"))},
};

const struct scene_template scene_templates[] = {
    {"gate", T("小区出入口", "Gate or entrance"),
     T("门岗登记、访客、快递外卖和车辆：疫情期间最集中的场景。",
       "Registration, visitors, deliveries and cars at the gate: the busiest scene of the pandemic."),
     LIST(struct scene_text, T("主出入口", "Main entrance"), T("取物架", "Delivery rack"),
	  T("车行道闸", "Car barrier")),
     gate_posts, sizeof(gate_posts) / sizeof(gate_posts[0]),
     LIST(struct scene_tpl_equipment, {T("红马甲", "Red vest"), T("岗亭", "Gate booth"), 6},
	  {T("登记本和笔", "Register and pens"), T("岗亭", "Gate booth"), 2},
	  {T("扫码牌", "QR code sign"), T("主出入口", "Main entrance"), 2},
	  {T("测温枪", "Thermometer"), T("岗亭", "Gate booth"), 1},
	  {T("取物架", "Delivery rack"), T("取物架", "Delivery rack"), 1},
	  {T("反光背心", "Reflective vest"), T("岗亭", "Gate booth"), 2},
	  {T("手电筒", "Torch"), T("岗亭", "Gate booth"), 1}),
     gate_scripts, sizeof(gate_scripts) / sizeof(gate_scripts[0])},
    {"corridor", T("楼道", "Building corridor"),
     T("楼道巡查、消防通道、电动车和邻里关系。",
       "Corridor rounds, escape routes, e-bikes and neighbours."),
     LIST(struct scene_text, T("单元门口", "Stairwell entrance"), T("各楼层", "Every floor")),
     corridor_posts, sizeof(corridor_posts) / sizeof(corridor_posts[0]),
     LIST(struct scene_tpl_equipment, {T("灭火器", "Fire extinguisher"), T("每层楼梯口", "Each landing"), 6},
	  {T("手电筒", "Torch"), T("楼组长家", "Building lead's flat"), 1},
	  {T("巡查记录表", "Round log"), T("楼组长家", "Building lead's flat"), 1}),
     corridor_scripts, sizeof(corridor_scripts) / sizeof(corridor_scripts[0])},
    {"centre", T("社区中心", "Neighbourhood centre"),
     T("前台接待、办事、活动室和来访投诉。",
       "Front desk, services, the activity room and complaints."),
     LIST(struct scene_text, T("大厅", "Hall"), T("二楼活动室", "First-floor activity room")),
     centre_posts, sizeof(centre_posts) / sizeof(centre_posts[0]),
     LIST(struct scene_tpl_equipment, {T("叫号机", "Queue machine"), T("大厅", "Hall"), 1},
	  {T("来访登记本", "Visitors' book"), T("前台", "Front desk"), 1},
	  {T("老花镜", "Reading glasses"), T("前台", "Front desk"), 3},
	  {T("急救箱", "First-aid kit"), T("前台", "Front desk"), 1}),
     centre_scripts, sizeof(centre_scripts) / sizeof(centre_scripts[0])},
    {"testing", T("检测点/接种点", "Testing or vaccination point"),
     T("排队秩序、扫码登记、绿色通道和留观。",
       "Queue order, registration, the priority lane and observation."),
     LIST(struct scene_text, T("入口", "Entrance"), T("登记台", "Registration desk"),
	  T("留观区", "Observation area")),
     testing_posts, sizeof(testing_posts) / sizeof(testing_posts[0]),
     LIST(struct scene_tpl_equipment, {T("一米线地贴", "One-metre floor markers"), T("入口", "Entrance"), 20},
	  {T("扫码设备", "Scanner"), T("登记台", "Registration desk"), 2},
	  {T("充电宝", "Power bank"), T("登记台", "Registration desk"), 2},
	  {T("纸质登记表", "Paper forms"), T("登记台", "Registration desk"), 200},
	  {T("急救箱", "First-aid kit"), T("留观区", "Observation area"), 1},
	  {T("椅子", "Chairs"), T("留观区", "Observation area"), 20}),
     testing_scripts, sizeof(testing_scripts) / sizeof(testing_scripts[0])},
    {"flood", T("防汛值守", "Flood watch"),
     T("汛期巡查、水位、车库和转移安置。",
       "Patrols in the rainy season, water levels, the car park and evacuation."),
     LIST(struct scene_text, T("低洼路段", "Low-lying road"), T("地下车库入口", "Car park entrance"),
	  T("泵房", "Pump room")),
     flood_posts, sizeof(flood_posts) / sizeof(flood_posts[0]),
     LIST(struct scene_tpl_equipment, {T("沙袋", "Sandbags"), T("泵房", "Pump room"), 100},
	  {T("挡水板", "Flood boards"), T("地下车库入口", "Car park entrance"), 4},
	  {T("雨衣雨靴", "Raincoats and boots"), T("泵房", "Pump room"), 6},
	  {T("强光手电", "Powerful torch"), T("泵房", "Pump room"), 4},
	  {T("警示锥和警戒带", "Cones and barrier tape"), T("泵房", "Pump room"), 10},
	  {T("水位尺", "Water gauge"), T("低洼路段", "Low-lying road"), 1}),
     flood_scripts, sizeof(flood_scripts) / sizeof(flood_scripts[0])},
};
const size_t scene_templates_n = sizeof(scene_templates) / sizeof(scene_templates[0]);

const struct scene_template *scene_template_find(const char *code)
{
	for (size_t i = 0; code && i < scene_templates_n; i++)
		if (!strcmp(scene_templates[i].code, code))
			return &scene_templates[i];
	return NULL;
}

const char *scene_text_in(const struct scene_text *t, const char *lang)
{
	return lang && !strcmp(lang, "en") ? t->en : t->zh;
}

static json_t *bi(const struct scene_text *t)
{
	return json_pack("{s:s, s:s}", "zh", t->zh, "en", t->en);
}

json_t *scene_template_json(const struct scene_template *t)
{
	json_t *o = json_pack("{s:s, s:o, s:o}", "code", t->code, "name", bi(&t->name), "summary",
			      bi(&t->summary));
	json_t *points = json_array(), *posts = json_array(), *eq = json_array(),
	       *scripts = json_array();
	for (size_t i = 0; i < t->npoints; i++)
		json_array_append_new(points, bi(&t->points[i]));
	for (size_t i = 0; i < t->nposts; i++) {
		const struct scene_tpl_post *p = &t->posts[i];
		json_t *bands = json_array(), *checks = json_array();
		for (size_t j = 0; j < p->nbands; j++)
			json_array_append_new(bands,
					      json_pack("{s:i, s:i, s:i, s:i}", "weekdays",
							(int)p->bands[j].weekdays, "start",
							p->bands[j].start_min, "end", p->bands[j].end_min,
							"headcount", p->bands[j].headcount));
		for (size_t j = 0; j < p->nchecklist; j++)
			json_array_append_new(checks, bi(&p->checklist[j]));
		json_array_append_new(posts, json_pack("{s:o, s:o, s:s, s:o, s:o}", "name", bi(&p->name),
						       "point", bi(&p->point), "skills", p->skills,
						       "bands", bands, "checklist", checks));
	}
	for (size_t i = 0; i < t->nequipment; i++)
		json_array_append_new(eq, json_pack("{s:o, s:o, s:i}", "item", bi(&t->equipment[i].item),
						     "place", bi(&t->equipment[i].place), "quantity",
						     t->equipment[i].quantity));
	for (size_t i = 0; i < t->nscripts; i++) {
		const struct scene_tpl_script *s = &t->scripts[i];
		json_array_append_new(scripts,
				      json_pack("{s:o, s:o, s:o, s:o, s:o}", "title", bi(&s->title),
						"situation", bi(&s->situation), "say", bi(&s->say),
						"avoid", bi(&s->avoid), "tags", bi(&s->tags)));
	}
	json_object_set_new(o, "points", points);
	json_object_set_new(o, "posts", posts);
	json_object_set_new(o, "equipment", eq);
	json_object_set_new(o, "scripts", scripts);
	return o;
}
