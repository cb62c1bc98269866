/** The demo's policies and interpretations: drafted, reviewed, published and marked as in demo-county.ts. */
import { InterpretationCreateSchema, PolicyApproveSchema, PolicyCreateSchema, PolicyPublishSchema } from '../../../shared/policies';
import type { StaffActor } from '../lib/actor';
import type { DemoPolicy } from './demo-county';
import { cstDayAt, DAY, HOUR, type Plan } from './demo-plan';

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

/** Adds the events of `policies` (amending and amended ones together) to the plan's lane. */
export function planPolicies(policies: readonly DemoPolicy[], plan: Plan & { office: StaffActor; reviewer: StaffActor }): void {
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
