/**
 * The demo county's content (云溪县, fictional): departments, staff, policies, letters, 找错
 * reports and consultations, with how far back each happened. Names and numbers are invented;
 * phone numbers use the 138 0000 block, which is not assigned to real subscribers.
 *
 * Times are given as `ago`: days before the seed runs. The seed (demo-data.ts) turns them into
 * instants and replays every step through the services with its clock set to that instant.
 */
import type { OpinionResult } from '../../../shared/consultations';
import type { ErrorReportResult, ErrorReportType } from '../../../shared/error-reports';
import type { InterpretationKind } from '../../../shared/policies';
import type { StaffRole } from '../../../shared/staff';

/** A department, by a short key the rest of this file uses. */
export interface DemoDepartment {
  key: string;
  name: string;
  description: string;
}

export const DEMO_DEPARTMENTS: readonly DemoDepartment[] = [
  { key: 'office', name: '县人民政府办公室', description: '县政府政务公开工作的主管部门' },
  { key: 'fgj', name: '县发展和改革局', description: '发展规划、价格管理、重大项目' },
  { key: 'jyj', name: '县教育局', description: '学前教育、义务教育、招生入学' },
  { key: 'jtj', name: '县交通运输局', description: '农村公路、客运、道路养护' },
  { key: 'zjj', name: '县住房和城乡建设局', description: '住房保障、物业管理、城市建设' },
  { key: 'mzj', name: '县民政局', description: '社会救助、养老服务、婚姻登记' },
  { key: 'hbj', name: '市生态环境局云溪分局', description: '环境保护、噪声与污染投诉' },
  { key: 'rsj', name: '县人力资源和社会保障局', description: '就业、社会保险、劳动保障' },
  { key: 'sjj', name: '县政务服务和数据管理局', description: '政府网站、政务服务平台' },
];

/** A staff account of the demo. The generated password is printed once. */
export interface DemoStaff {
  username: string;
  displayName: string;
  role: Exclude<StaffRole, 'admin'>;
  department?: string;
}

/**
 * One account per role besides the bootstrap admin, and handlers in several departments so
 * department scoping shows in the console.
 */
export const DEMO_STAFF: readonly DemoStaff[] = [
  { username: 'office', displayName: '李文静', role: 'office' },
  { username: 'reviewer', displayName: '周国强', role: 'reviewer' },
  { username: 'handler.jtj', displayName: '赵志远', role: 'handler', department: 'jtj' },
  { username: 'handler.jyj', displayName: '陈晓梅', role: 'handler', department: 'jyj' },
  { username: 'handler.zjj', displayName: '孙建华', role: 'handler', department: 'zjj' },
  { username: 'handler.mzj', displayName: '吴秀兰', role: 'handler', department: 'mzj' },
  { username: 'handler.hbj', displayName: '郑海涛', role: 'handler', department: 'hbj' },
  { username: 'handler.sjj', displayName: '王一帆', role: 'handler', department: 'sjj' },
  { username: 'handler.rsj', displayName: '何立新', role: 'handler', department: 'rsj' },
];

// ------------------------------------------------------------------------------------ policies

/** Where a demo policy ends up. */
export type DemoPolicyEnd = 'draft' | 'in_review' | 'returned' | 'approved' | 'valid' | 'amended' | 'repealed' | 'expired';

export interface DemoPolicy {
  key: string;
  title: string;
  documentNumber: string | null;
  issuingBody: string;
  category: 'normative' | 'notice' | 'government_service' | 'major_project' | 'budget';
  department: string;
  summary: string;
  /** Days ago the workflow reached its end (publication for published ones). */
  ago: number;
  /** For old documents: the publication date shown (CST), before the seed's first month. */
  publishedOn?: string;
  end: DemoPolicyEnd;
  /** Interpretation: published with the policy, published late (after the 3-working-day limit), or none. */
  interpretation?: { kind: Extract<InterpretationKind, 'text' | 'qa'>; late?: boolean };
  /** amended/repealed: the key of the newer document that amends or replaces it. */
  by?: string;
  note?: string;
}

export const DEMO_POLICIES: readonly DemoPolicy[] = [
  // Older documents, later amended, repealed or expired.
  { key: 'elderly2023', title: '云溪县城乡居家养老服务补贴实施办法', documentNumber: '云政规〔2023〕2号', issuingBody: '云溪县人民政府', category: 'normative', department: 'mzj', summary: '对80周岁以上低收入老年人发放居家养老服务补贴的对象、标准和程序。', ago: 170, publishedOn: '2023-03-15', end: 'repealed', interpretation: { kind: 'text' }, by: 'elderly2026', note: '被《云溪县居家和社区养老服务补贴实施办法》替代' },
  { key: 'housing2024', title: '云溪县公共租赁住房管理办法', documentNumber: '云政规〔2024〕3号', issuingBody: '云溪县人民政府', category: 'normative', department: 'zjj', summary: '公共租赁住房的申请条件、轮候配租、租金标准和退出管理。', ago: 168, publishedOn: '2024-05-20', end: 'amended', interpretation: { kind: 'qa' }, by: 'housing2026', note: '第十二条、第十八条已修改' },
  { key: 'bus2024', title: '云溪县城乡公交票价优惠实施方案', documentNumber: '云交发〔2024〕11号', issuingBody: '云溪县交通运输局', category: 'normative', department: 'jtj', summary: '老年人、学生、残疾人乘坐城乡公交的票价优惠对象和办理方式。', ago: 165, publishedOn: '2024-08-01', end: 'expired', interpretation: { kind: 'text' }, note: '有效期届满，自动失效' },
  { key: 'school2025', title: '云溪县2025年义务教育学校招生入学工作方案', documentNumber: '云教发〔2025〕9号', issuingBody: '云溪县教育局', category: 'normative', department: 'jyj', summary: '2025年秋季小学、初中招生范围、报名时间和入学材料。', ago: 160, publishedOn: '2025-04-28', end: 'expired', interpretation: { kind: 'qa' }, note: '2025年招生工作已结束' },
  { key: 'price2025', title: '云溪县城区管道天然气价格管理办法', documentNumber: '云发改〔2025〕15号', issuingBody: '云溪县发展和改革局', category: 'normative', department: 'fgj', summary: '城区居民和非居民管道天然气销售价格的制定、调整和监督。', ago: 158, publishedOn: '2025-06-10', end: 'repealed', interpretation: { kind: 'text' }, by: 'price2026' },
  { key: 'noise2025', title: '云溪县建筑施工噪声污染防治管理规定', documentNumber: '云政办发〔2025〕21号', issuingBody: '云溪县人民政府办公室', category: 'normative', department: 'hbj', summary: '夜间施工审批、噪声监测和居民投诉处理要求。', ago: 155, publishedOn: '2025-09-02', end: 'amended', interpretation: { kind: 'text' }, by: 'noise2026' },
  // This year's documents in force.
  { key: 'elderly2026', title: '云溪县居家和社区养老服务补贴实施办法', documentNumber: '云政规〔2026〕5号', issuingBody: '云溪县人民政府', category: 'normative', department: 'mzj', summary: '将补贴对象扩大到70周岁以上失能、半失能老年人，明确社区养老服务站运营补贴。', ago: 150, end: 'valid', interpretation: { kind: 'qa' } },
  { key: 'housing2026', title: '云溪县人民政府关于修改《云溪县公共租赁住房管理办法》的决定', documentNumber: '云政规〔2026〕6号', issuingBody: '云溪县人民政府', category: 'normative', department: 'zjj', summary: '放宽新就业无房职工和外来务工人员的申请条件，调整租金减免标准。', ago: 140, end: 'valid', interpretation: { kind: 'text' } },
  { key: 'price2026', title: '云溪县城区管道天然气价格管理办法', documentNumber: '云发改〔2026〕8号', issuingBody: '云溪县发展和改革局', category: 'normative', department: 'fgj', summary: '建立天然气上下游价格联动机制，居民阶梯气价分档气量和价格。', ago: 132, end: 'valid', interpretation: { kind: 'text' } },
  { key: 'noise2026', title: '云溪县人民政府办公室关于修改建筑施工噪声污染防治管理规定的通知', documentNumber: '云政办发〔2026〕14号', issuingBody: '云溪县人民政府办公室', category: 'normative', department: 'hbj', summary: '中考、高考期间全面禁止夜间施工，噪声投诉实行24小时受理。', ago: 125, end: 'valid', interpretation: { kind: 'qa', late: true } },
  { key: 'school2026', title: '云溪县2026年义务教育学校招生入学工作方案', documentNumber: '云教发〔2026〕7号', issuingBody: '云溪县教育局', category: 'normative', department: 'jyj', summary: '2026年秋季学区划分、随迁子女入学和“一件事一次办”网上报名。', ago: 118, end: 'valid', interpretation: { kind: 'qa' } },
  { key: 'road2026', title: '云溪县农村公路管理养护实施办法', documentNumber: '云政规〔2026〕9号', issuingBody: '云溪县人民政府', category: 'normative', department: 'jtj', summary: '县乡村三级路长制、农村公路日常养护责任和资金保障。', ago: 104, end: 'valid', interpretation: { kind: 'text' } },
  { key: 'dibao2026', title: '云溪县最低生活保障审核确认办法', documentNumber: '云民发〔2026〕4号', issuingBody: '云溪县民政局', category: 'normative', department: 'mzj', summary: '低保申请、家庭经济状况核查、审核确认时限和动态管理。', ago: 96, end: 'valid', interpretation: { kind: 'qa' } },
  { key: 'jobs2026', title: '云溪县支持高校毕业生就业创业若干措施', documentNumber: '云人社发〔2026〕6号', issuingBody: '云溪县人力资源和社会保障局', category: 'normative', department: 'rsj', summary: '一次性就业补贴、创业担保贷款贴息和见习岗位补贴标准。', ago: 88, end: 'valid', interpretation: { kind: 'text', late: true } },
  { key: 'property2026', title: '云溪县住宅小区物业服务管理办法', documentNumber: '云政规〔2026〕11号', issuingBody: '云溪县人民政府', category: 'normative', department: 'zjj', summary: '业主委员会组建、物业服务收费公示和维修资金使用。', ago: 75, end: 'valid' },
  { key: 'preschool2026', title: '云溪县普惠性民办幼儿园认定和扶持办法', documentNumber: '云教发〔2026〕15号', issuingBody: '云溪县教育局', category: 'normative', department: 'jyj', summary: '普惠性民办幼儿园认定条件、收费上限和生均补助。', ago: 61, end: 'valid', interpretation: { kind: 'text' } },
  { key: 'heating2026', title: '云溪县老旧小区改造资金管理办法', documentNumber: '云发改〔2026〕19号', issuingBody: '云溪县发展和改革局', category: 'normative', department: 'fgj', summary: '老旧小区改造中央、省级补助资金和县级配套资金的使用范围。', ago: 47, end: 'valid', interpretation: { kind: 'qa' } },
  { key: 'medical2026', title: '云溪县困难群众医疗救助实施细则', documentNumber: '云民发〔2026〕12号', issuingBody: '云溪县民政局', category: 'normative', department: 'mzj', summary: '特困人员、低保对象住院自付费用的救助比例和年度限额。', ago: 33, end: 'valid' },
  { key: 'parking2026', title: '云溪县城区机动车停放服务收费管理办法', documentNumber: '云政规〔2026〕16号', issuingBody: '云溪县人民政府', category: 'normative', department: 'fgj', summary: '城区路内停车泊位收费标准、免费时段和新能源车优惠。', ago: 19, end: 'valid', interpretation: { kind: 'text' } },
  { key: 'bus2026', title: '云溪县城乡公交票价优惠实施方案（2026年修订）', documentNumber: '云交发〔2026〕23号', issuingBody: '云溪县交通运输局', category: 'normative', department: 'jtj', summary: '65周岁以上老年人免费乘车，学生卡五折，新增农村客运线路。', ago: 6, end: 'valid' },
  // Notices and other categories (no 文号 or interpretation required).
  { key: 'notice-road', title: '关于S215线云溪段路面维修期间交通管制的通告', documentNumber: null, issuingBody: '云溪县交通运输局', category: 'notice', department: 'jtj', summary: '10月至11月S215线分段半幅施工，过往车辆绕行县道X302。', ago: 70, end: 'valid' },
  { key: 'notice-school', title: '关于2026年秋季学期中小学入学报名的公告', documentNumber: null, issuingBody: '云溪县教育局', category: 'notice', department: 'jyj', summary: '报名时间、网上报名入口和现场审核地点。', ago: 110, end: 'valid' },
  { key: 'service-dibao', title: '最低生活保障申请办事指南', documentNumber: null, issuingBody: '云溪县民政局', category: 'government_service', department: 'mzj', summary: '低保申请条件、所需材料、办理流程和咨询电话。', ago: 90, end: 'valid' },
  { key: 'project-bridge', title: '云溪河大桥改建工程项目批准信息', documentNumber: null, issuingBody: '云溪县发展和改革局', category: 'major_project', department: 'fgj', summary: '项目建设规模、总投资、建设工期和批准文号。', ago: 55, end: 'valid' },
  { key: 'budget-2026', title: '云溪县2026年县级部门预算公开', documentNumber: null, issuingBody: '云溪县财政局', category: 'budget', department: 'office', summary: '县级各部门2026年收支预算总表、“三公”经费预算。', ago: 150, end: 'valid' },
  // Work in progress in the console.
  { key: 'wip-approved', title: '云溪县城市生活垃圾分类管理办法', documentNumber: '云政规〔2026〕18号', issuingBody: '云溪县人民政府', category: 'normative', department: 'zjj', summary: '生活垃圾分类投放、收集、运输和处理的责任和要求。', ago: 2, end: 'approved', interpretation: { kind: 'qa' } },
  { key: 'wip-review', title: '云溪县农村集体经营性建设用地入市管理办法', documentNumber: '云政规〔2026〕19号', issuingBody: '云溪县人民政府', category: 'normative', department: 'fgj', summary: '入市范围、程序、收益分配和监管。', ago: 3, end: 'in_review' },
  { key: 'wip-returned', title: '云溪县校外培训机构监督管理办法', documentNumber: '云教发〔2026〕21号', issuingBody: '云溪县教育局', category: 'normative', department: 'jyj', summary: '校外培训机构审批、收费监管和预收费资金管理。', ago: 4, end: 'returned', note: '第三章预收费监管条款与省级规定不一致，请核对后修改' },
  { key: 'wip-draft', title: '云溪县城区道路挖掘占用管理办法（草稿）', documentNumber: '云政规〔2026〕20号', issuingBody: '云溪县人民政府', category: 'normative', department: 'jtj', summary: '道路挖掘审批、施工期限和恢复标准。', ago: 1, end: 'draft' },
];

// ------------------------------------------------------------------------------------- letters

/**
 * Where a demo letter ends up. `returned` is assigned after a reviewer sent the draft back; a
 * `rated` letter with a `followUp` goes on to the second round and its reply.
 */
export type DemoLetterEnd = 'submitted' | 'rejected' | 'accepted' | 'assigned' | 'returned' | 'drafted' | 'approved' | 'replied' | 'rated';

export interface DemoLetter {
  /** Which demo citizen writes it (several letters per citizen). */
  citizen: number;
  category: 'consult' | 'suggest' | 'complain' | 'help' | 'other';
  subject: string;
  content: string;
  contactName?: string;
  contactPhone?: string;
  publicConsent: boolean;
  department: string;
  /** Days ago it was submitted. */
  ago: number;
  end: DemoLetterEnd;
  reply?: string;
  rejectReason?: string;
  score?: number;
  /** The writer's follow-up after a dissatisfied rating, and the department's second reply. */
  followUp?: { content: string; reply: string };
  /** Confirm the public version (replied/rated with consent). */
  publish?: boolean;
}

export const DEMO_LETTERS: readonly DemoLetter[] = [
  // Replied and rated, listed publicly.
  { citizen: 1, category: 'complain', subject: '城关镇解放路坑洼路面何时修复', content: '解放路农贸市场到县医院一段路面坑洼严重，下雨后积水，电动车经过很危险，希望尽快修复。', contactName: '刘建军', contactPhone: '13800001101', publicConsent: true, department: 'jtj', ago: 120, end: 'rated', score: 5, publish: true, reply: '您反映的解放路路面问题已列入城区道路维修计划，施工单位已于本月完成坑槽修补和排水口疏通。感谢您对城市建设的关心。' },
  { citizen: 2, category: 'consult', subject: '随迁子女在县城上小学需要哪些材料', content: '我们夫妻在县城务工三年，孩子明年上一年级，请问随迁子女入学需要准备什么材料？', contactName: '黄丽', contactPhone: '13800001102', publicConsent: true, department: 'jyj', ago: 105, end: 'rated', score: 4, publish: true, reply: '随迁子女入学需提供：父母一方居住证、务工或经营证明、户口簿和不动产权证或租赁备案证明。报名时间以县教育局每年5月发布的招生公告为准。' },
  { citizen: 3, category: 'help', subject: '母亲瘫痪在床能否申请低保', content: '我母亲今年68岁，脑梗后长期卧床，家里只有我一个劳动力，请问能否申请低保？', contactName: '马振华', contactPhone: '13800001103', publicConsent: true, department: 'mzj', ago: 98, end: 'rated', score: 5, publish: true, reply: '根据《云溪县最低生活保障审核确认办法》，家庭人均收入低于当地低保标准且财产状况符合规定的，可向户籍所在地乡镇人民政府（街道办事处）提出申请。重病、重残人员可按规定单独纳入。乡镇民政办已与您联系上门核查。' },
  { citizen: 4, category: 'complain', subject: '锦绣花园旁工地夜间施工噪声扰民', content: '锦绣花园东侧工地连续一周晚上11点后还在浇筑混凝土，噪声很大，老人孩子无法休息。', contactName: '杨帆', contactPhone: '13800001104', publicConsent: true, department: 'hbj', ago: 85, end: 'rated', score: 4, publish: true, reply: '经现场核查，该工地未取得夜间施工许可。我局已责令其停止夜间作业并立案调查，同时安排夜间巡查。如再发现夜间施工，请拨打12345热线。' },
  { citizen: 5, category: 'suggest', subject: '建议增加县城到青石乡的公交班次', content: '青石乡到县城的公交每天只有4班，学生周末返校很不方便，建议周五、周日增加班次。', publicConsent: true, department: 'jtj', ago: 70, end: 'rated', score: 5, publish: true, reply: '感谢您的建议。自下月起，县城至青石乡线路每周五、周日下午各增开2班，具体时刻表已在公交站台张贴。' },
  { citizen: 6, category: 'consult', subject: '公租房申请条件咨询', content: '我是新就业的大学毕业生，在县城没有住房，请问能否申请公共租赁住房？', contactName: '胡敏', publicConsent: true, department: 'zjj', ago: 62, end: 'replied', publish: true, reply: '根据修改后的《云溪县公共租赁住房管理办法》，毕业五年内、在县城就业且本人及配偶无住房的新就业职工可以申请。请携带身份证、毕业证和劳动合同到县政务服务中心住建窗口办理。' },
  { citizen: 7, category: 'complain', subject: '小区物业擅自提高停车费', content: '阳光小区物业未经业主大会同意将地面停车费从每月80元涨到150元，请相关部门调查。', contactName: '罗勇', contactPhone: '13800001107', publicConsent: true, department: 'zjj', ago: 50, end: 'rated', score: 2, followUp: { content: '物业至今仍按150元收取，答复说已约谈但没有结果，请给出明确处理意见。', reply: '经再次调查，物业服务企业已同意停车费恢复为每月80元，多收费用将在下月物业费中抵扣，我局将持续跟踪。' }, publish: true, reply: '我局已约谈阳光小区物业服务企业，要求其按程序召开业主大会表决停车费调整事项。' },
  { citizen: 8, category: 'suggest', subject: '建议在城南新区增设一所幼儿园', content: '城南新区入住人口越来越多，附近没有公办幼儿园，孩子上学要跑很远，建议规划新建。', publicConsent: true, department: 'jyj', ago: 44, end: 'replied', publish: true, reply: '城南新区公办幼儿园已列入我县学前教育发展提升行动计划，选址在新区文化路以东，预计明年9月开园，设12个班。' },
  // Replied but not (yet) public.
  { citizen: 9, category: 'consult', subject: '失业保险金领取期限问题', content: '我去年12月被单位辞退，失业保险缴了6年，请问可以领多长时间失业金？', contactPhone: '13800001109', publicConsent: false, department: 'rsj', ago: 40, end: 'rated', score: 4, reply: '累计缴费满5年不足10年的，领取失业保险金的期限最长为18个月。请通过“云溪人社”小程序或到县就业服务中心办理。' },
  { citizen: 10, category: 'help', subject: '独居老人家中漏水无人维修', content: '我父亲一个人住在老城区，屋顶漏水，他年纪大了不会联系维修，能否帮忙？', contactName: '朱红梅', contactPhone: '13800001110', publicConsent: true, department: 'mzj', ago: 26, end: 'replied', reply: '社区网格员已上门查看，已协调居家养老服务站安排维修，费用按特困老人居家适老化改造政策补助。' },
  // In progress.
  { citizen: 11, category: 'complain', subject: '幸福路路灯大面积不亮', content: '幸福路从人民广场到汽车站一段的路灯已经半个月不亮了，晚上行人很不安全。', contactPhone: '13800001111', publicConsent: true, department: 'zjj', ago: 12, end: 'approved', reply: '经排查，幸福路路灯电缆被施工挖断，已完成更换，路灯已恢复照明。' },
  { citizen: 12, category: 'consult', subject: '孩子转学到县实验小学的手续', content: '我们今年从外县搬来，孩子读三年级，想转到县实验小学，需要办哪些手续？', publicConsent: false, department: 'jyj', ago: 10, end: 'drafted', reply: '转学需先向县教育局基础教育股提出申请，经接收学校确认学位后，在全国学籍系统办理转学手续。' },
  { citizen: 1, category: 'complain', subject: '乡道X305桥面护栏损坏', content: '青石乡X305线小河桥的护栏被车撞坏，一直没有修，晚上很危险。', publicConsent: true, department: 'jtj', ago: 14, end: 'returned', reply: '已通知养护站处理。' },
  { citizen: 2, category: 'suggest', subject: '建议延长县图书馆周末开放时间', content: '县图书馆周末下午五点就闭馆，学生写作业不够用，建议延长到晚上八点。', publicConsent: true, department: 'jyj', ago: 9, end: 'assigned' },
  { citizen: 3, category: 'help', subject: '低保年审材料不会填', content: '今年低保年审要填家庭收入申报表，我不识字，不知道去哪里请人帮忙。', publicConsent: false, department: 'mzj', ago: 5, end: 'assigned' },
  { citizen: 4, category: 'complain', subject: '广场舞音响声音过大', content: '人民广场每晚广场舞音响开得很大，一直到十点，周边住户休息受影响。', publicConsent: true, department: 'hbj', ago: 3, end: 'accepted' },
  { citizen: 5, category: 'consult', subject: '新能源车停车是否免费', content: '听说城区停车收费新办法对新能源车有优惠，具体是怎么规定的？', publicConsent: true, department: 'jtj', ago: 1, end: 'submitted' },
  { citizen: 6, category: 'suggest', subject: '建议在县医院门口设置临时停车区', content: '县医院门口接送病人的车很多，经常堵车，建议划设临时停车区。', publicConsent: true, department: 'jtj', ago: 1, end: 'submitted' },
  // Overdue.
  { citizen: 7, category: 'complain', subject: '农村公路修好后又出现裂缝', content: '去年新修的水口村通村公路才一年就出现多处裂缝和沉降，请查一下施工质量。', contactPhone: '13800001107', publicConsent: true, department: 'jtj', ago: 34, end: 'assigned' },
  { citizen: 8, category: 'help', subject: '孩子上初中学位被分到很远的学校', content: '我们住在城东，孩子被分到城西的第三中学，每天上学要一个小时，能否调整？', publicConsent: false, department: 'jyj', ago: 28, end: 'drafted', reply: '初中学位按学区划分，您所在小区属于第三中学学区。如有特殊困难，可在开学后两周内申请调整。' },
  { citizen: 9, category: 'consult', subject: '高校毕业生创业补贴怎么申请', content: '我去年毕业回乡开了一家网店，请问有没有创业补贴，怎么申请？', publicConsent: true, department: 'rsj', ago: 24, end: 'accepted' },
  { citizen: 10, category: 'complain', subject: '垃圾中转站异味严重', content: '城北垃圾中转站夏天异味很重，附近居民不敢开窗，希望加强清运和除臭。', publicConsent: true, department: 'zjj', ago: 8, end: 'submitted' },
  // Rejected.
  { citizen: 11, category: 'other', subject: '关于邻居纠纷', content: '邻居占用楼道堆放杂物，多次沟通无果，请政府出面处理。', publicConsent: false, department: 'zjj', ago: 30, end: 'rejected', rejectReason: '邻里纠纷请向所在社区居委会或人民调解委员会申请调解。' },
  { citizen: 12, category: 'complain', subject: '投诉某网店售假', content: '我在某网店买到假冒品牌鞋子，商家拒绝退货。', publicConsent: false, department: 'office', ago: 18, end: 'rejected', rejectReason: '消费纠纷请拨打12315或登录全国12315平台投诉，我们已将渠道告知您。' },
];

// --------------------------------------------------------------------------------- 找错 reports

export type DemoReportEnd = 'submitted' | 'forwarded' | 'replied' | 'closed';

export interface DemoReport {
  citizen: number;
  /** A path on {@link DEMO_SITE}, or a whole URL elsewhere. */
  path: string;
  errorType: ErrorReportType;
  description: string;
  contact?: string;
  department: string;
  ago: number;
  end: DemoReportEnd;
  result?: ErrorReportResult;
  reply?: string;
}

/** The county's (fictional) website. */
export const DEMO_SITE = 'https://www.yunxi.gov.cn';

export const DEMO_REPORTS: readonly DemoReport[] = [
  { citizen: 1, path: '/zwgk/zcwj/2026/0315.html', errorType: 'broken_link', description: '政策文件栏目中“居家养老服务补贴”附件下载链接打开显示404。', department: 'mzj', ago: 90, end: 'closed', result: 'fixed', reply: '附件链接已修复，感谢您的反馈。' },
  { citizen: 2, path: '/bsfw/jyrx/index.html', errorType: 'outdated', description: '招生入学栏目仍显示2025年的报名时间，没有更新。', department: 'jyj', ago: 75, end: 'closed', result: 'fixed', reply: '已更新为2026年招生公告。' },
  { citizen: 3, path: '/hdjl/zxft/index.html', errorType: 'empty_section', description: '在线访谈栏目点进去是空白页，没有任何内容。', department: 'sjj', ago: 60, end: 'closed', result: 'fixed', reply: '栏目已补充2026年在线访谈内容。' },
  { citizen: 4, path: '/zwgk/tzgg/2026/1012.html', errorType: 'typo', description: '交通管制通告中“绕行”写成了“饶行”。', department: 'jtj', ago: 40, end: 'replied', result: 'fixed', reply: '错别字已更正。' },
  { citizen: 5, path: 'https://www.yunxi-xinwen.com/news/2026/123.html', errorType: 'other', description: '这个页面的新闻和云溪县无关，是否被篡改？', department: 'sjj', ago: 30, end: 'replied', result: 'not_our_site', reply: '经核实，该链接不属于云溪县人民政府网站，已向上级网站主管部门报告。' },
  { citizen: 6, path: '/zwgk/czyjs/2026.html', errorType: 'broken_media', description: '部门预算公开页面的表格图片无法显示。', department: 'sjj', ago: 20, end: 'replied', result: 'not_an_error', reply: '该页面图片需加载较大文件，经测试可正常显示，请刷新后重试。' },
  { citizen: 7, path: '/bsfw/bszn/dibao.html', errorType: 'outdated', description: '低保办事指南里的咨询电话打不通，可能已经换号。', department: 'mzj', ago: 9, end: 'forwarded' },
  { citizen: 8, path: '/bsfw/bszn/dibao.html', errorType: 'outdated', description: '低保办事指南的联系电话是空号。', department: 'mzj', ago: 8, end: 'forwarded' },
  { citizen: 9, path: '/zwgk/rsxx/index.html', errorType: 'useless_service', description: '人事信息栏目的搜索功能输入关键词没有任何结果。', department: 'sjj', ago: 3, end: 'forwarded' },
  { citizen: 10, path: '/hdjl/yjzj/index.html', errorType: 'poor_response', description: '意见征集栏目留言后一个月都没有回复。', department: 'sjj', ago: 6, end: 'submitted' },
  { citizen: 11, path: '/index.html', errorType: 'broken_link', description: '首页“12345热线”图标链接打不开。', contact: '13800001111', department: 'sjj', ago: 1, end: 'submitted' },
];

// ------------------------------------------------------------------------------- consultations

export type DemoConsultationEnd = 'draft' | 'upcoming' | 'open' | 'closed' | 'feedback_published';

export interface DemoConsultation {
  title: string;
  summary: string;
  draftHtml: string;
  department: string;
  /** Days ago it started (negative: starts in the future). */
  startAgo: number;
  days: number;
  end: DemoConsultationEnd;
  /** Text opinions citizens send (one response each). */
  opinions: readonly string[];
  /** Decisions in order of the opinions (feedback_published). */
  decisions?: readonly { result: OpinionResult; reason: string }[];
  feedback?: string;
}

export const DEMO_CONSULTATIONS: readonly DemoConsultation[] = [
  {
    title: '关于《云溪县城区机动车停放服务收费管理办法（征求意见稿）》公开征求意见',
    summary: '为规范城区停车秩序，县发展和改革局起草了征求意见稿，现公开征求社会各界意见。',
    draftHtml: '<h2>第一章 总则</h2><p>第一条 为规范城区机动车停放服务收费行为……</p><h2>第二章 收费标准</h2><p>第五条 路内停车泊位首小时内免费……</p>',
    department: 'fgj',
    startAgo: 80,
    days: 30,
    end: 'feedback_published',
    opinions: [
      '建议首次停车免费时长从30分钟延长到1小时，方便群众办事。',
      '医院、学校周边应设置临时停车免费时段，接送孩子和病人很需要。',
      '新能源车应给予更大优惠，鼓励绿色出行。',
      '收费标准偏高，县城不是大城市，建议参照周边县区下调。',
      '希望收费的钱公开用途，用于增加停车位建设。',
    ],
    decisions: [
      { result: 'adopted', reason: '已将首小时内免费写入第五条。' },
      { result: 'partly_adopted', reason: '医院周边设置15分钟免费临时停车，学校周边按上下学时段管理。' },
      { result: 'adopted', reason: '新能源车每日首2小时免费。' },
      { result: 'not_adopted', reason: '收费标准经成本监审确定，已低于周边县区平均水平。' },
      { result: 'adopted', reason: '停车收费收入纳入财政管理，每年公开使用情况。' },
    ],
    feedback: '本次征求意见共收到意见5条，采纳3条，部分采纳1条，未采纳1条。采纳情况已在正式文件中体现，感谢社会各界的关心和支持。',
  },
  {
    title: '关于《云溪县校外培训机构监督管理办法（征求意见稿）》公开征求意见',
    summary: '县教育局起草了校外培训机构监督管理办法，现向社会公开征求意见。',
    draftHtml: '<h2>第一章 总则</h2><p>第一条 为规范校外培训行为，减轻学生过重校外培训负担……</p>',
    department: 'jyj',
    startAgo: 40,
    days: 30,
    end: 'closed',
    opinions: ['预收费不应超过三个月，防止机构跑路。', '建议公布合规培训机构白名单，方便家长选择。', '体育艺术类培训应与学科类区别管理。'],
  },
  {
    title: '关于云溪县2027年民生实事项目公开征集意见',
    summary: '为办好群众最关心的民生实事，现面向社会征集2027年民生实事项目建议。',
    draftHtml: '<p>2027年拟重点在教育、医疗、养老、交通、人居环境等领域实施一批民生实事项目，欢迎提出意见建议。</p>',
    department: 'fgj',
    startAgo: 10,
    days: 30,
    end: 'open',
    opinions: ['建议改造城北老旧小区的雨污管网。', '希望在各乡镇卫生院增设夜间门诊。', '建议在城南新区建设一座社区公园。'],
  },
  {
    title: '关于《云溪县城市生活垃圾分类管理办法（征求意见稿）》公开征求意见',
    summary: '县住房和城乡建设局起草了生活垃圾分类管理办法，拟于近期公开征求意见。',
    draftHtml: '<h2>第一章 总则</h2><p>第一条 为加强城市生活垃圾分类管理……</p>',
    department: 'zjj',
    startAgo: -5,
    days: 30,
    end: 'upcoming',
    opinions: [],
  },
  {
    title: '关于《云溪县农村公路路长制实施方案》征求意见（草稿）',
    summary: '县交通运输局正在起草农村公路路长制实施方案。',
    draftHtml: '<p>实施方案草稿，待完善后公开征求意见。</p>',
    department: 'jtj',
    startAgo: -20,
    days: 30,
    end: 'draft',
    opinions: [],
  },
];

/** The questions of every demo consultation: support, topics and free text (the opinions). */
export const DEMO_QUESTIONS = [
  { id: 'q1', type: 'single', title: '您对征求意见稿的总体态度', required: true, options: ['支持', '基本支持', '不支持'] },
  { id: 'q2', type: 'text', title: '您的具体意见和建议', required: true, minLength: 5, maxLength: 500 },
  { id: 'q3', type: 'rating', title: '您对本次征求意见工作的评价', required: false },
] as const;
