/*
 * learn_data: the education pages' content (应急文化), shipped with the
 * web app as static text in Chinese and English: what to do before, during
 * and after each hazard, and the household preparedness checklist. Short,
 * plain sentences a resident can read on a phone in a minute; general
 * public guidance, not a substitute for the instructions of the
 * authorities on the day.
 */

export const HAZARDS = ['flood', 'fire', 'epidemic', 'earthquake', 'heat_wave', 'gas_leak', 'power_cut'];

export const LEARN = {
  flood: {
    zh: {
      before: ['关注气象预警和社区通知。', '不把贵重物品和电器放在地下室或一楼低处。', '准备沙袋、挡水板和应急包。'],
      during: ['远离地下车库、地下通道和低洼处。', '不要涉水，水深不明时更不要开车通过。', '水进屋前关闭电源和燃气。', '按楼栋长的通知到地势较高的集合点。'],
      after: ['确认电路安全后再用电。', '清洗消毒，不吃被水泡过的食物。', '告诉社区你家的损失和需要。'],
    },
    en: {
      before: ['Watch weather warnings and community notices.', 'Keep valuables and appliances out of basements and low ground floors.', 'Prepare sandbags, flood boards and your grab bag.'],
      during: ['Keep away from underground car parks, underpasses and low ground.', 'Do not walk or drive through water of unknown depth.', 'Switch off power and gas before water comes in.', 'Go to the gathering point on high ground when your building lead calls.'],
      after: ['Use electricity only after the wiring has been checked.', 'Clean and disinfect; do not eat food that was under water.', 'Tell the community what was damaged and what you need.'],
    },
  },
  fire: {
    zh: {
      before: ['楼道不堆放杂物，保持消防通道畅通。', '家里备灭火器或灭火毯，学会使用。', '电动自行车不进楼道、不入户充电。'],
      during: ['立即拨打119，喊醒家人和邻居。', '用湿毛巾捂住口鼻，弯腰沿楼梯撤离，不乘电梯。', '门把手发烫时不要开门，关门堵缝，到窗边求救。'],
      after: ['不要返回火场取东西。', '到集合点报平安，让楼栋长知道你已安全。', '接受检查，照顾受到惊吓的老人和孩子。'],
    },
    en: {
      before: ['Keep stairwells clear; fire lanes open.', 'Keep an extinguisher or fire blanket at home and learn to use it.', 'Do not park or charge e-bikes in stairwells or at home.'],
      during: ['Call 119 at once; wake your family and neighbours.', 'Cover nose and mouth with a wet towel; go down the stairs, stay low, never take the lift.', 'If the door handle is hot, keep the door shut, seal the gaps and signal from a window.'],
      after: ['Never go back in for belongings.', 'Report at the gathering point so your building lead knows you are safe.', 'Get checked; look after shaken older people and children.'],
    },
  },
  epidemic: {
    zh: {
      before: ['按时接种疫苗，常备口罩、体温计和常用药。', '记下家庭医生和社区卫生服务中心的电话。'],
      during: ['勤洗手、戴口罩、少聚集。', '发热等症状时先电话咨询，按要求就医。', '关心独居老人，帮他们买菜取药。'],
      after: ['继续观察身体状况。', '通风清洁，保持好的卫生习惯。', '互相支持，需要时寻求心理帮助。'],
    },
    en: {
      before: ['Keep vaccinations up to date; keep masks, a thermometer and usual medicines.', 'Note the phone numbers of your family doctor and the community health centre.'],
      during: ['Wash hands often, wear a mask, avoid crowds.', 'With fever or symptoms, call before going to a clinic and follow the advice.', 'Look out for older neighbours living alone: fetch food and medicines for them.'],
      after: ['Keep watching your health.', 'Air and clean your home; keep good hygiene.', 'Support each other; ask for help for your wellbeing when you need it.'],
    },
  },
  earthquake: {
    zh: {
      before: ['固定高大家具，重物不放高处。', '找好家里的安全角落和附近的空旷避难场所。', '准备应急包，放在门口容易拿到的地方。'],
      during: ['伏地、遮挡、手抓牢：躲在结实的桌子下。', '不要跳楼，不乘电梯，不要急着往外跑。', '在室外时远离楼房、电线杆和广告牌。'],
      after: ['震动停止后，有序撤离到避难场所。', '防范余震，不要马上回家。', '检查燃气和电路，发现泄漏立即报告。'],
    },
    en: {
      before: ['Fix tall furniture; keep heavy things low.', 'Know the safe spot at home and the open shelter area nearby.', 'Keep your grab bag by the door.'],
      during: ['Drop, cover and hold on under a sturdy table.', 'Do not jump, do not take the lift, do not rush outside.', 'Outdoors, keep away from buildings, poles and billboards.'],
      after: ['When the shaking stops, go to the shelter area in order.', 'Expect aftershocks; do not go home at once.', 'Check gas and wiring; report any leak at once.'],
    },
  },
  heat_wave: {
    zh: {
      before: ['关注高温预警，检查空调和风扇。', '知道社区纳凉点在哪里。'],
      during: ['多喝水，不要等口渴再喝。', '中午11点到下午3点尽量不外出。', '每天问候独居老人和慢病邻居。', '头晕、恶心、大汗时到阴凉处，严重时拨打120。'],
      after: ['补充水分和休息。', '告诉社区哪里需要更多纳凉点。'],
    },
    en: {
      before: ['Watch heat warnings; check air conditioners and fans.', 'Know where the community cooling point is.'],
      during: ['Drink water before you are thirsty.', 'Stay in between 11:00 and 15:00 if you can.', 'Check on older neighbours living alone and those with chronic illness every day.', 'Dizzy, sick or sweating heavily: move to shade; call 120 if it is serious.'],
      after: ['Rest and drink.', 'Tell the community where more cooling points are needed.'],
    },
  },
  gas_leak: {
    zh: {
      before: ['用燃气时不离人，用完关阀门。', '安装燃气报警器，定期检查软管。'],
      during: ['闻到燃气味：立即关阀门，开窗通风。', '不开关电灯和电器，不用明火，不在室内打电话。', '离开房间后在室外拨打燃气抢修电话或119。', '提醒邻居撤离。'],
      after: ['燃气公司检查合格后再恢复使用。', '更换老化的软管和灶具。'],
    },
    en: {
      before: ['Stay with a gas stove while it is on; close the valve after use.', 'Fit a gas alarm; check the hose regularly.'],
      during: ['Smell gas: close the valve, open the windows.', 'Do not touch switches or appliances, no flames, no phone calls indoors.', 'Call the gas emergency line or 119 from outside.', 'Warn your neighbours to leave.'],
      after: ['Use gas again only after the gas company has checked.', 'Replace old hoses and stoves.'],
    },
  },
  power_cut: {
    zh: {
      before: ['准备手电筒、充电宝和备用电池。', '家里有依赖电力的医疗设备，请告诉社区。'],
      during: ['拔掉大功率电器的插头，留一盏灯知道何时来电。', '少开冰箱门。', '被困电梯时按警铃、拨打电梯内的电话，耐心等待救援。', '查询停电信息请拨打95598。'],
      after: ['检查冰箱里的食品和药品。', '逐个恢复电器，不要同时开启。'],
    },
    en: {
      before: ['Keep a torch, power bank and spare batteries.', 'Tell the community if someone at home depends on a powered medical device.'],
      during: ['Unplug big appliances; leave one lamp on to know when power is back.', 'Keep the fridge closed.', 'Trapped in a lift: press the alarm, call the number in the lift, wait for help.', 'Call 95598 for information on the outage.'],
      after: ['Check food and medicines kept cold.', 'Switch appliances back on one at a time.'],
    },
  },
};

/* The household checklist: [id, zh, en]; ticks stay in this browser. */
export const KIT = [
  { section: { zh: '应急包', en: 'Grab bag' },
    items: [
      ['water', '饮用水（每人每天约3升，备3天）', 'Drinking water (about 3 litres per person per day, for 3 days)'],
      ['food', '不易变质的食品', 'Food that keeps'],
      ['torch', '手电筒和备用电池', 'Torch and spare batteries'],
      ['radio', '收音机（可手摇或用电池）', 'Radio (wind-up or battery)'],
      ['medicine', '常用药和急救包', 'Usual medicines and a first-aid kit'],
      ['documents', '身份证、户口本等证件复印件', 'Copies of ID cards and household papers'],
      ['cash', '少量现金', 'Some cash'],
      ['whistle', '哨子', 'Whistle'],
      ['masks', '口罩和湿巾', 'Masks and wet wipes'],
      ['charger', '充电宝', 'Power bank'],
    ] },
  { section: { zh: '家庭计划', en: 'Family plan' },
    items: [
      ['meeting', '约定家庭集合地点', 'Agree where the family meets'],
      ['numbers', '记下应急电话和家人电话', 'Write down emergency and family numbers'],
      ['contact', '知道楼栋长和网格员是谁', 'Know your building lead and grid worker'],
      ['route', '熟悉楼里的疏散路线', 'Know the way out of your building'],
      ['helpers', '想好谁需要帮助：老人、孩子、残疾人', 'Think who needs help: older people, children, people with disabilities'],
      ['practice', '和家人一起演练一次', 'Practise once with your family'],
    ] },
];

export const NUMBERS = [
  ['110', '报警', 'Police'],
  ['119', '火警', 'Fire'],
  ['120', '急救', 'Ambulance'],
  ['12345', '政务服务便民热线', 'Government service hotline'],
  ['95598', '供电服务', 'Power company'],
];
