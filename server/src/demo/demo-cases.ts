/** The demo's letters, 找错 reports and consultations, each step through the services as its actor. */
import {
  ConsultationCreateSchema,
  FeedbackPublishSchema,
  OpinionDecisionSchema,
  OpinionListQuerySchema,
  ResponseSubmitSchema,
} from '../../../shared/consultations';
import { ErrorReportCreateSchema, ErrorReportReplySchema } from '../../../shared/error-reports';
import { LetterCreateSchema, LetterPublicVersionInputSchema } from '../../../shared/letters';
import type { CitizenActor, StaffActor } from '../lib/actor';
import { maskedTexts } from '../modules/letter/letter-public-version';
import { DEMO_QUESTIONS, DEMO_SITE, type DemoConsultation, type DemoLetter, type DemoReport } from './demo-county';
import { cstDayAt, DAY, HOUR, type Plan } from './demo-plan';

/** Adds a letter's events: submission, then the office, handler, reviewer and writer steps up to its end state. */
export function planLetter(
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

/** Adds a 找错 report's events; a duplicate follows its primary and is not acted on itself. */
export function planReport(
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

/** Adds a consultation's events: creation, opening, responses, closing, decisions and the feedback report. */
export function planConsultation(c: DemoConsultation, index: number, plan: Plan & { office: StaffActor; citizen: (n: number) => Promise<CitizenActor> }): void {
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
