/**
 * Demo data (ADR 103): on the first development start, an empty database is filled with the demo
 * county of demo-county.ts, so `npm start` shows a living product.
 *
 * Everything is written through the product's services, as the routes would (inputs parsed with
 * the routes' shared schemas), so every document is valid and consistent: histories, deadlines,
 * audit entries, notifications. The seed runs on a service registry of its own whose clock it
 * moves: every step of every case is an event at an instant in the past months, and the events
 * run in chronological order with the clock set to their instant (in a few lanes of independent
 * cases that run side by side, each on its own registry and clock). The registries have no WeChat
 * client: the demo citizens are invented, and content checks take the development path (`pass`).
 *
 * It runs only when the database holds nothing but the bootstrap admin, and only once across
 * instances starting together: the first to take the permanent lease `demo-data` seeds, the others
 * skip. A seed that fails half-way keeps its lease (the database is no longer empty either); wipe
 * the development database to start again.
 */
import { randomBytes } from 'node:crypto';
import {
  ConsultationCreateSchema,
  FeedbackPublishSchema,
  OpinionDecisionSchema,
  OpinionListQuerySchema,
  ResponseSubmitSchema,
} from '../../../shared/consultations';
import { ErrorReportCreateSchema, ErrorReportReplySchema } from '../../../shared/error-reports';
import { LetterCreateSchema, LetterPublicVersionInputSchema } from '../../../shared/letters';
import { InterpretationCreateSchema, PolicyApproveSchema, PolicyCreateSchema, PolicyPublishSchema } from '../../../shared/policies';
import { StaffCreateSchema, type StaffRole } from '../../../shared/staff';
import type { Config } from '../config';
import type { CitizenActor, StaffActor } from '../lib/actor';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import type { Models } from '../models';
import { devOpenid } from '../modules/auth/auth.service';
import { maskedTexts } from '../modules/letter/letter-public-version';
import { createServices, type ServiceDeps, type Services } from '../services';
import {
  DEMO_CONSULTATIONS,
  DEMO_DEPARTMENTS,
  DEMO_LETTERS,
  DEMO_POLICIES,
  DEMO_QUESTIONS,
  DEMO_REPORTS,
  DEMO_SITE,
  DEMO_STAFF,
  type DemoConsultation,
  type DemoLetter,
  type DemoPolicy,
  type DemoReport,
} from './demo-county';

/** The lease whose holder seeded (or is seeding) the database; never released. */
export const DEMO_LEASE = 'demo-data';
/** Prefix of the demo citizens' dev-login names: `dev:demo-citizen-1` signs in as the first. */
export const DEMO_CITIZEN_PREFIX = 'demo-citizen-';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Longer than any database lives: the lease is a permanent marker. */
const FOREVER_MS = 100 * 365 * DAY;

/** What the seed needs: the app's models and database, config and logger. */
export interface DemoSeedDeps {
  models: Models;
  db: ServiceDeps['db'];
  config: Config;
  logger: Logger;
  /** The real time (default: the system clock); every demo event happens before it. */
  clock?: Clock;
  /** Names this instance in the lease. */
  instanceId: string;
}

/** A demo staff account and its generated password (shown once). */
export interface DemoCredential {
  username: string;
  displayName: string;
  role: StaffRole;
  department: string | null;
  password: string;
}

/** What a seed did. */
export type DemoSeedResult =
  | { seeded: false; reason: 'not_empty' | 'taken' }
  | {
      seeded: true;
      credentials: DemoCredential[];
      /** Dev-login names of the demo citizens (`dev:<name>` in the mini-program). */
      citizens: string[];
      counts: { departments: number; staff: number; policies: number; letters: number; errorReports: number; consultations: number };
      ms: number;
    };

/** One step of the demo's history: run with the clock at `at`. */
interface DemoEvent {
  at: number;
  seq: number;
  run: () => Promise<void>;
}

/** Whether the database holds anything besides the bootstrap admin. */
async function isEmpty(models: Models): Promise<boolean> {
  const counts = await Promise.all([
    models.Staff.countDocuments({ role: { $ne: 'admin' } }),
    models.Department.countDocuments({}),
    models.Policy.countDocuments({}),
    models.Letter.countDocuments({}),
    models.ErrorReport.countDocuments({}),
    models.Consultation.countDocuments({}),
  ]);
  return counts.every((n) => n === 0);
}

/** An instant `ago` days before `now`, at `hour` CST (clamped to be in the past). */
function cstDayAt(now: number, ago: number, hour: number): number {
  const cstMidnight = Math.floor((now + 8 * HOUR) / DAY) * DAY - 8 * HOUR;
  return cstMidnight - ago * DAY + hour * HOUR;
}

/**
 * Seeds the demo county when the database is empty and no other instance has claimed it. Returns
 * the staff credentials for the caller to print once.
 */
export async function seedDemoData(deps: DemoSeedDeps): Promise<DemoSeedResult> {
  const realClock = deps.clock ?? Date.now;
  const started = performance.now();
  const now = realClock();
  if (!(await isEmpty(deps.models))) return { seeded: false, reason: 'not_empty' };

  // The seed's own registry, on a clock it moves; no WeChat (the demo citizens are invented).
  const logger = deps.logger.child({ component: 'demo-data' });
  /**
   * A lane: a service registry on a clock of its own and the events it replays in order. Cases
   * that do not depend on each other run in separate lanes at the same time (the database's
   * group commit then shares its flushes), which makes the seed several times faster.
   */
  const lane = () => {
    let current = now;
    const events: DemoEvent[] = [];
    const services: Services = createServices({
      models: deps.models,
      db: deps.db,
      config: deps.config,
      logger,
      clock: () => current,
      wechat: null,
      instanceId: deps.instanceId,
    });
    return {
      services,
      setClock(at: number) {
        current = at;
      },
      at(when: number, run: () => Promise<void>) {
        if (when >= now) throw new Error(`demo data: an event is not in the past (${new Date(when).toISOString()})`);
        events.push({ at: when, seq: events.length, run });
      },
      async replay() {
        events.sort((a, b) => a.at - b.at || a.seq - b.seq);
        for (const e of events) {
          current = e.at;
          await e.run();
        }
        return events.length;
      },
    };
  };
  const setup = lane();
  const { services } = setup;
  if (!(await services.leases.tryAcquire(DEMO_LEASE, deps.instanceId, FOREVER_MS))) return { seeded: false, reason: 'taken' };
  // Another instance may have seeded and gone between the check and the lease: check again.
  if (!(await isEmpty(deps.models))) return { seeded: false, reason: 'not_empty' };

  const origin = { ip: '127.0.0.1', requestId: 'demo-data' };
  const admin = await deps.models.Staff.findOne({ role: 'admin', active: true }).lean();
  if (!admin) throw new Error('demo data needs the bootstrap admin');
  const adminActor: StaffActor = { kind: 'staff', staffId: admin._id.toHexString(), username: admin.username, role: 'admin', departmentId: null, ...origin };

  // Departments and staff exist from the start of the demo's history.
  setup.setClock(cstDayAt(now, 200, 9));
  const departments = new Map<string, string>();
  for (const d of DEMO_DEPARTMENTS) {
    const doc = await services.departments.createDepartment(adminActor, { name: d.name, description: d.description });
    departments.set(d.key, doc._id.toHexString());
  }
  const dept = (key: string) => {
    const id = departments.get(key);
    if (!id) throw new Error(`demo data: unknown department ${key}`);
    return id;
  };
  const staff = new Map<string, StaffActor>();
  // Concurrently: password hashing (scrypt) is most of the cost and runs off the main thread.
  const credentials: DemoCredential[] = await Promise.all(
    DEMO_STAFF.map(async (s) => {
      const password = randomBytes(12).toString('base64url');
      const departmentId = s.department ? dept(s.department) : null;
      const doc = await services.staff.createStaff(
        adminActor,
        StaffCreateSchema.parse({ username: s.username, displayName: s.displayName, role: s.role, departmentId, password }),
      );
      const actor: StaffActor = { kind: 'staff', staffId: doc._id.toHexString(), username: doc.username, role: doc.role, departmentId, ...origin };
      staff.set(s.role === 'handler' ? `handler:${s.department}` : s.role, actor);
      const department = s.department ? (DEMO_DEPARTMENTS.find((x) => x.key === s.department)?.name ?? null) : null;
      return { username: doc.username, displayName: doc.displayName, role: doc.role, department, password };
    }),
  );
  const actorOf = (key: string) => {
    const a = staff.get(key);
    if (!a) throw new Error(`demo data: no staff ${key}`);
    return a;
  };
  const office = actorOf('office');
  const reviewer = actorOf('reviewer');
  const handlerOf = (department: string) => actorOf(`handler:${department}`);

  const citizenActors = new Map<number, CitizenActor>();
  const citizen = async (n: number): Promise<CitizenActor> => {
    let actor = citizenActors.get(n);
    if (!actor) {
      const user = await services.users.upsertByOpenid(devOpenid(`${DEMO_CITIZEN_PREFIX}${n}`));
      actor = { kind: 'citizen', userId: user._id.toHexString(), ...origin };
      citizenActors.set(n, actor);
    }
    return actor;
  };

  // Lanes: policies linked by amendment or replacement share one; letters and the rest spread.
  const linked = new Set(DEMO_POLICIES.flatMap((p) => (p.by ? [p.key, p.by] : [])));
  const policyLanes = [lane(), lane()];
  for (const [i, l] of policyLanes.entries()) {
    const mine = DEMO_POLICIES.filter((p, j) => (linked.has(p.key) ? 0 : j % 2) === i);
    planPolicies(mine, { at: l.at, now, dept, office, reviewer, services: l.services });
  }
  const letterLanes = [lane(), lane()];
  DEMO_LETTERS.forEach((x, i) => {
    const l = letterLanes[i % letterLanes.length];
    planLetter(x, i, { at: l.at, now, dept, office, reviewer, handlerOf, citizen, services: l.services });
  });
  // Reports in one lane: a duplicate is linked to the primary submitted before it.
  const reportLane = lane();
  DEMO_REPORTS.forEach((r, i) => planReport(r, i, { at: reportLane.at, now, dept, office, handlerOf, citizen, services: reportLane.services }));
  const consultationLane = lane();
  DEMO_CONSULTATIONS.forEach((c, i) => planConsultation(c, i, { at: consultationLane.at, now, dept, office, citizen, services: consultationLane.services }));
  await Promise.all([...policyLanes, ...letterLanes, reportLane, consultationLane].map((l) => l.replay()));

  return {
    seeded: true,
    credentials,
    citizens: [...citizenActors.keys()].sort((a, b) => a - b).map((n) => `${DEMO_CITIZEN_PREFIX}${n}`),
    counts: {
      departments: DEMO_DEPARTMENTS.length,
      staff: DEMO_STAFF.length,
      policies: DEMO_POLICIES.length,
      letters: DEMO_LETTERS.length,
      errorReports: DEMO_REPORTS.length,
      consultations: DEMO_CONSULTATIONS.length,
    },
    ms: Math.round(performance.now() - started),
  };
}

/** What the planners share. */
interface Plan {
  at: (when: number, run: () => Promise<void>) => void;
  now: number;
  dept: (key: string) => string;
  services: Services;
}

const APPROVAL = PolicyApproveSchema.parse({ confidentialityReview: { result: 'no_secrets', note: '经审查，不涉及国家秘密、工作秘密及个人隐私' } });

function interpretationInput(p: DemoPolicy, policyId: string, kind: 'text' | 'qa') {
  return InterpretationCreateSchema.parse(
    kind === 'qa'
      ? {
          policyId,
          kind,
          title: `一图读懂《${p.title}》`.slice(0, 100),
          qa: [
            { question: '出台的背景是什么？', answer: `为贯彻落实上级有关部署，结合我县实际，制定本文件。${p.summary}` },
            { question: '适用于哪些对象？', answer: '适用于本县行政区域内符合条件的单位和个人，具体以文件规定为准。' },
            { question: '如何办理或咨询？', answer: '可到县政务服务中心相关窗口办理，或拨打12345政务服务便民热线咨询。' },
          ],
          author: p.issuingBody,
          source: '云溪县人民政府网站',
        }
      : {
          policyId,
          kind,
          title: `《${p.title}》政策解读`.slice(0, 100),
          body: `<h2>一、起草背景</h2><p>为贯彻落实上级有关部署，结合我县实际，${p.issuingBody}起草了本文件。</p><h2>二、主要内容</h2><p>${p.summary}</p><h2>三、施行时间</h2><p>本文件自发布之日起施行。</p>`,
          author: p.issuingBody,
          source: '云溪县人民政府网站',
        },
  );
}

function planPolicies(policies: readonly DemoPolicy[], plan: Plan & { office: StaffActor; reviewer: StaffActor }): void {
  const { at, now, dept, office, reviewer, services } = plan;
  const ids = new Map<string, string>();
  const publishTimes = new Map<string, number>();
  for (const p of policies) publishTimes.set(p.key, cstDayAt(now, p.ago, 10));
  const idOf = (key: string) => {
    const id = ids.get(key);
    if (!id) throw new Error(`demo data: policy ${key} does not exist yet`);
    return id;
  };

  for (const p of policies) {
    const publishAt = publishTimes.get(p.key) as number;
    const interp: { id?: string } = {};
    const wip = ['draft', 'in_review', 'returned', 'approved'].includes(p.end);
    const createAt = wip ? publishAt - 20 * HOUR : publishAt - 4 * DAY;
    at(createAt, async () => {
      const detail = await services.policies.createPolicy(
        office,
        PolicyCreateSchema.parse({
          title: p.title,
          documentNumber: p.documentNumber,
          issuingBody: p.issuingBody,
          category: p.category,
          departmentId: dept(p.department),
          catalog: { summary: p.summary, subject: p.issuingBody, websiteColumn: '政府信息公开 > 政策文件' },
          body: `<p>各乡镇人民政府，县直各单位：</p><p>${p.summary}现将有关事项通知如下。</p><h2>一、总体要求</h2><p>坚持以人民为中心，依法规范、公开透明、便民高效。</p><h2>二、主要措施</h2><p>（一）明确责任分工。（二）规范办理程序。（三）加强监督检查。</p><h2>三、其他</h2><p>本文件由${p.issuingBody}负责解释。</p>`,
        }),
      );
      ids.set(p.key, detail.policy._id.toHexString());
    });
    if (p.end === 'draft') continue;
    at(createAt + HOUR, async () => void (await services.policies.submitPolicy(office, idOf(p.key))));
    if (p.interpretation && !p.interpretation.late) {
      const kind = p.interpretation.kind;
      at(createAt + 2 * HOUR, async () => {
        const d = await services.policies.createInterpretation(office, interpretationInput(p, idOf(p.key), kind));
        interp.id = d.interpretation._id.toHexString();
        await services.policies.submitInterpretation(office, interp.id);
      });
      if (p.end !== 'in_review' && p.end !== 'returned') {
        at(createAt + 5 * HOUR, async () => void (await services.policies.approveInterpretation(reviewer, interp.id as string, APPROVAL)));
      }
    }
    if (p.end === 'in_review') continue;
    if (p.end === 'returned') {
      at(createAt + 4 * HOUR, async () => void (await services.policies.returnPolicy(reviewer, idOf(p.key), p.note ?? '请补充完善后重新提交')));
      continue;
    }
    at(createAt + 4 * HOUR, async () => void (await services.policies.approvePolicy(reviewer, idOf(p.key), APPROVAL)));
    if (p.end === 'approved') continue;
    at(publishAt, async () => {
      const input = PolicyPublishSchema.parse(p.publishedOn ? { publishedAt: `${p.publishedOn}T10:00:00+08:00` } : {});
      await services.policies.publishPolicy(office, idOf(p.key), input);
    });
    if (p.interpretation?.late) {
      const kind = p.interpretation.kind;
      at(publishAt + 6 * DAY, async () => {
        const d = await services.policies.createInterpretation(office, interpretationInput(p, idOf(p.key), kind));
        interp.id = d.interpretation._id.toHexString();
        await services.policies.submitInterpretation(office, interp.id);
      });
      at(publishAt + 7 * DAY, async () => void (await services.policies.approveInterpretation(reviewer, interp.id as string, APPROVAL)));
      at(publishAt + 8 * DAY, async () => void (await services.policies.publishInterpretation(office, interp.id as string, {})));
    }
    if (p.end === 'expired') {
      at(publishAt + 20 * DAY, async () => void (await services.policies.expirePolicy(office, idOf(p.key), { note: p.note })));
    }
    if (p.end === 'amended' || p.end === 'repealed') {
      const by = p.by as string;
      const markAt = (publishTimes.get(by) as number) + 2 * HOUR;
      const input = { replacedById: undefined as string | undefined, note: p.note };
      at(markAt, async () => {
        input.replacedById = idOf(by);
        if (p.end === 'amended') await services.policies.amendPolicy(office, idOf(p.key), input);
        else await services.policies.repealPolicy(office, idOf(p.key), input);
      });
    }
  }
}

function planLetter(
  l: DemoLetter,
  index: number,
  plan: Plan & { office: StaffActor; reviewer: StaffActor; handlerOf: (d: string) => StaffActor; citizen: (n: number) => Promise<CitizenActor> },
): void {
  const { at, now, dept, office, reviewer, handlerOf, citizen, services } = plan;
  const submitted = cstDayAt(now, l.ago, 8) + (index % 9) * HOUR + ((index * 17) % 60) * 60_000;
  const state: { id?: string } = {};
  const id = () => state.id as string;
  const order = ['submitted', 'accepted', 'assigned', 'drafted', 'approved', 'replied', 'rated'];
  const reach = (step: string) => order.indexOf(step) <= order.indexOf(l.end === 'returned' ? 'drafted' : l.end);

  at(submitted, async () => {
    const input = LetterCreateSchema.parse({
      category: l.category,
      subject: l.subject,
      content: l.content,
      ...(l.contactName ? { contactName: l.contactName } : {}),
      ...(l.contactPhone ? { contactPhone: l.contactPhone } : {}),
      publicConsent: l.publicConsent,
    });
    state.id = (await services.letters.submitLetter(await citizen(l.citizen), input)).letter._id.toHexString();
  });
  if (l.end === 'submitted') return;
  if (l.end === 'rejected') {
    at(submitted + 20 * HOUR, async () => void (await services.letters.rejectLetter(office, id(), l.rejectReason ?? '不属于主任信箱受理范围')));
    return;
  }
  at(submitted + 20 * HOUR, async () => void (await services.letters.acceptLetter(office, id())));
  if (!reach('assigned')) return;
  const handler = handlerOf(l.department);
  at(submitted + 22 * HOUR, async () => void (await services.letters.assignLetter(office, id(), dept(l.department))));
  if (!reach('drafted')) return;
  const reply = l.reply ?? '您反映的问题已收悉，我们正在核实处理，处理结果将及时答复您。';
  at(submitted + 5 * DAY, async () => void (await services.letters.draftReply(handler, id(), reply)));
  if (l.end === 'returned') {
    at(submitted + 6 * DAY, async () => void (await services.letters.returnDraft(reviewer, id(), '答复过于简单，请写明处理措施和完成时间。')));
    return;
  }
  if (!reach('approved')) return;
  at(submitted + 6 * DAY, async () => void (await services.letters.approveReply(reviewer, id())));
  if (!reach('replied')) return;
  at(submitted + 7 * DAY, async () => void (await services.letters.sendReply(office, id())));
  if (l.score !== undefined) {
    const score = l.score;
    at(submitted + 9 * DAY, async () => void (await services.letters.rateLetter(await citizen(l.citizen), id(), { score })));
  }
  const confirm = async () => {
    const { letter } = await services.letters.getPublicVersion(office, id());
    await services.letters.confirmPublicVersion(office, id(), LetterPublicVersionInputSchema.parse(maskedTexts(letter)));
  };
  if (l.followUp) {
    const { content, reply: second } = l.followUp;
    at(submitted + 10 * DAY, async () => void (await services.letters.followUpLetter(await citizen(l.citizen), id(), { content })));
    at(submitted + 12 * DAY, async () => void (await services.letters.draftReply(handler, id(), second)));
    at(submitted + 13 * DAY, async () => void (await services.letters.approveReply(reviewer, id())));
    at(submitted + 14 * DAY, async () => void (await services.letters.sendReply(office, id())));
    if (l.publish) at(submitted + 14 * DAY + 2 * HOUR, confirm);
  } else if (l.publish) {
    at(submitted + 7 * DAY + 2 * HOUR, confirm);
  }
}

function planReport(
  r: DemoReport,
  index: number,
  plan: Plan & { office: StaffActor; handlerOf: (d: string) => StaffActor; citizen: (n: number) => Promise<CitizenActor> },
): void {
  const { at, now, dept, office, handlerOf, citizen, services } = plan;
  const submitted = cstDayAt(now, r.ago, 9) + (index % 7) * HOUR;
  const state: { id?: string; duplicate?: boolean } = {};
  at(submitted, async () => {
    const input = ErrorReportCreateSchema.parse({
      url: r.path.startsWith('http') ? r.path : `${DEMO_SITE}${r.path}`,
      errorType: r.errorType,
      description: r.description,
      ...(r.contact ? { contact: r.contact } : {}),
    });
    const { report } = await services.errorReports.submitReport(await citizen(r.citizen), input);
    state.id = report._id.toHexString();
    // A duplicate of an open report follows its primary through every step.
    state.duplicate = report.duplicateOf !== null;
  });
  if (r.end === 'submitted') return;
  const whenPrimary = (run: () => Promise<unknown>) => async () => {
    if (!state.duplicate) await run();
  };
  at(submitted + 4 * HOUR, whenPrimary(() => services.errorReports.forwardReport(office, state.id as string, { departmentId: dept(r.department) })));
  if (r.end === 'forwarded') return;
  const reply = ErrorReportReplySchema.parse({ result: r.result ?? 'fixed', message: r.reply ?? '已处理，感谢您的反馈。' });
  at(submitted + 2 * DAY, whenPrimary(() => services.errorReports.replyReport(handlerOf(r.department), state.id as string, reply)));
  if (r.end === 'replied') return;
  at(submitted + 4 * DAY, whenPrimary(() => services.errorReports.closeReport(office, state.id as string)));
}

function planConsultation(c: DemoConsultation, index: number, plan: Plan & { office: StaffActor; citizen: (n: number) => Promise<CitizenActor> }): void {
  const { at, now, dept, office, citizen, services } = plan;
  const start = cstDayAt(now, c.startAgo, 9);
  const end = start + c.days * DAY;
  const createAt = c.startAgo > 0 ? start - 2 * DAY : cstDayAt(now, 2, 15) + index * HOUR;
  const state: { id?: string } = {};
  const id = () => state.id as string;
  at(createAt, async () => {
    const input = ConsultationCreateSchema.parse({
      title: c.title,
      summary: c.summary,
      draftHtml: c.draftHtml,
      basisHtml: '<p>起草依据：《中华人民共和国政府信息公开条例》《重大行政决策程序暂行条例》。</p>',
      departmentId: dept(c.department),
      startAt: new Date(start).toISOString(),
      endAt: new Date(end).toISOString(),
      questions: DEMO_QUESTIONS,
      showResults: true,
      minDurationRule: 'none',
    });
    state.id = (await services.consultations.createConsultation(office, input)).consultation._id.toHexString();
  });
  if (c.end === 'draft') return;
  at(createAt + HOUR, async () => void (await services.consultations.openConsultation(office, id())));
  c.opinions.forEach((text, i) => {
    at(start + (i + 1) * DAY + (i % 5) * HOUR, async () => {
      const answers = [
        { questionId: 'q1', value: i % 3 === 2 ? '不支持' : i % 2 === 0 ? '支持' : '基本支持' },
        { questionId: 'q2', value: text },
        { questionId: 'q3', value: 3 + (i % 3) },
      ];
      await services.consultations.submitResponse(await citizen(20 + index * 10 + i), id(), ResponseSubmitSchema.parse({ answers }));
    });
  });
  if (c.end === 'open' || c.end === 'upcoming') return;
  // The background task closes ended consultations; here it runs at the end instant.
  at(end + 60_000, async () => void (await services.consultations.closeEndedConsultations(new Date(end + 60_000))));
  if (c.end !== 'feedback_published') return;
  at(end + 3 * DAY, async () => {
    const { opinions } = await services.consultations.listOpinions(office, id(), OpinionListQuerySchema.parse({ limit: 100 }));
    for (const o of opinions) {
      const i = c.opinions.indexOf(o.text);
      const decision = c.decisions?.[i] ?? { result: 'not_adopted', reason: '已作研究，暂不采纳。' };
      await services.consultations.decideOpinion(office, id(), o._id.toHexString(), OpinionDecisionSchema.parse(decision));
    }
  });
  at(end + 10 * DAY, async () => void (await services.consultations.publishFeedback(office, id(), FeedbackPublishSchema.parse({ summary: c.feedback }))));
}
