/**
 * Policy reading (政策解读): policy documents, their interpretations and the category catalog —
 * fields, limits, states, labels and request/response shapes used by the BFF and the mini-program.
 *
 * Policies and interpretations go through review before release (先审后发):
 *   draft → in_review → approved → published;  in_review → returned (reason) → in_review …
 * A published policy then carries a validity mark: valid → amended | repealed | expired.
 * Only `published` items are ever shown to the public.
 */
import { z } from 'zod';
import { DeadlineViewSchema } from './deadlines';
import { CursorQuerySchema, cursorPageSchema } from './pagination';
import { boundedText, charCount, ObjectIdStringSchema } from './text';
import { UploadViewSchema } from './uploads';

// ---------------------------------------------------------------------------------------------
// Limits, states and labels
// ---------------------------------------------------------------------------------------------

export const POLICY_LIMITS = {
  titleMin: 2,
  titleMax: 200,
  issuingBodyMin: 2,
  issuingBodyMax: 100,
  documentNumberMax: 50,
  /** Raw rich text as sent (HTML characters), before sanitizing. */
  bodyMax: 200_000,
  summaryMax: 1000,
  catalogFieldMax: 200,
  basisMax: 500,
  reasonMin: 2,
  reasonMax: 500,
  noteMax: 500,
  attachmentsMax: 20,
  imagesMax: 30,
  qaMax: 50,
  questionMax: 500,
  answerMax: 5000,
  authorMax: 50,
  sourceMax: 100,
  videoUrlMax: 500,
  searchMax: 50,
  categoryNameMax: 20,
  categoryDescriptionMax: 200,
  categoriesMax: 100,
} as const;

/** Working days after a policy's publication by which its interpretation is due (DOMAIN.md). */
export const INTERPRETATION_DUE_WORKING_DAYS = 3;

/** Review states of policies and interpretations; `returned` is a draft sent back with a reason. */
export const POLICY_STATUSES = ['draft', 'in_review', 'returned', 'approved', 'published'] as const;
export const PolicyStatusSchema = z.enum(POLICY_STATUSES, { error: '无效的状态' });
export type PolicyStatus = z.infer<typeof PolicyStatusSchema>;

export const POLICY_STATUS_LABELS: Record<PolicyStatus, string> = {
  draft: '草稿',
  in_review: '审核中',
  returned: '已退回',
  approved: '已审核',
  published: '已发布',
};

/** States in which the content may still be edited. */
export const EDITABLE_POLICY_STATUSES: readonly PolicyStatus[] = ['draft', 'returned'];

/** Validity (效力状态) of a published policy. */
export const POLICY_VALIDITIES = ['valid', 'amended', 'repealed', 'expired'] as const;
export const PolicyValiditySchema = z.enum(POLICY_VALIDITIES, { error: '无效的效力状态' });
export type PolicyValidity = z.infer<typeof PolicyValiditySchema>;

export const POLICY_VALIDITY_LABELS: Record<PolicyValidity, string> = {
  valid: '现行有效',
  amended: '已修改',
  repealed: '已废止',
  expired: '已失效',
};

/** Validities from which a policy may still be amended, repealed or marked expired. */
export const MARKABLE_VALIDITIES: readonly PolicyValidity[] = ['valid', 'amended'];

export const INTERPRETATION_KINDS = ['text', 'graphic', 'qa', 'expert', 'video'] as const;
export const InterpretationKindSchema = z.enum(INTERPRETATION_KINDS, { error: '请选择解读形式' });
export type InterpretationKind = z.infer<typeof InterpretationKindSchema>;

export const INTERPRETATION_KIND_LABELS: Record<InterpretationKind, string> = {
  text: '文字解读',
  graphic: '图解',
  qa: '问答',
  expert: '专家解读',
  video: '视频解读',
};

/** 公开属性 of the disclosure catalog. */
export const DISCLOSURE_ATTRIBUTES = ['proactive', 'on_request'] as const;
export const DisclosureAttributeSchema = z.enum(DISCLOSURE_ATTRIBUTES, { error: '请选择公开属性' });
export type DisclosureAttribute = z.infer<typeof DisclosureAttributeSchema>;

export const DISCLOSURE_ATTRIBUTE_LABELS: Record<DisclosureAttribute, string> = {
  proactive: '主动公开',
  on_request: '依申请公开',
};

/** Outcome of the confidentiality review (保密审查) required before approval. */
export const CONFIDENTIALITY_RESULTS = ['no_secrets', 'redacted'] as const;
export const ConfidentialityResultSchema = z.enum(CONFIDENTIALITY_RESULTS, { error: '请选择保密审查结果' });
export type ConfidentialityResult = z.infer<typeof ConfidentialityResultSchema>;

export const CONFIDENTIALITY_RESULT_LABELS: Record<ConfidentialityResult, string> = {
  no_secrets: '不涉及国家秘密、工作秘密及个人隐私',
  redacted: '涉密内容已作删除或脱密处理',
};

/**
 * The 13 elements of a 政府信息公开目录 entry, in display order, with their Chinese labels. Some
 * come from the policy itself (类别, 名称, 责任部门, 发布日期), the others from its `catalog` fields.
 */
export const POLICY_CATALOG_FIELDS = [
  'category',
  'name',
  'summary',
  'basis',
  'subject',
  'department',
  'timeLimit',
  'audience',
  'channel',
  'method',
  'attribute',
  'websiteColumn',
  'publishedAt',
] as const;
export type PolicyCatalogField = (typeof POLICY_CATALOG_FIELDS)[number];

export const POLICY_CATALOG_LABELS: Record<PolicyCatalogField, string> = {
  category: '类别',
  name: '名称',
  summary: '内容（摘要）',
  basis: '公开依据',
  subject: '公开主体',
  department: '责任部门',
  timeLimit: '公开时限',
  audience: '公开对象',
  channel: '公开渠道',
  method: '公开方式',
  attribute: '公开属性',
  websiteColumn: '网站栏目',
  publishedAt: '发布日期',
};

/** What a draft's catalog fields start as when the author leaves them out. */
export const DEFAULT_POLICY_CATALOG = {
  basis: '《中华人民共和国政府信息公开条例》',
  timeLimit: '自该信息形成或者变更之日起20个工作日内',
  audience: '社会公众',
  channel: '政府网站、政务新媒体',
  method: '网上公开',
  attribute: 'proactive',
} as const satisfies Partial<Record<string, string>>;

// ---------------------------------------------------------------------------------------------
// Field schemas
// ---------------------------------------------------------------------------------------------

/** A CST calendar date `YYYY-MM-DD` that exists. */
export const IsoDateSchema = z
  .string({ error: '请填写日期' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: '日期格式应为YYYY-MM-DD' })
  .refine(
    (s) => {
      const [y, m, d] = s.split('-').map(Number);
      const date = new Date(Date.UTC(y, m - 1, d));
      return y >= 1949 && y <= 2199 && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
    },
    { message: '日期不存在' },
  );

/**
 * 文号 as written on Chinese official documents (GB/T 9704): issuing organ's abbreviation (机关代字),
 * year in 六角括号, serial number, 号 — e.g. `沪民宗发〔2022〕3号`. Validation is loose: the organ part
 * is 1–20 汉字 or Latin letters, and the brackets people type instead of 〔〕 ([], 【】, ［］, (), （）)
 * are accepted and normalised to 〔〕 so searches for `〔2022〕` find them.
 */
export const DOCUMENT_NUMBER_PATTERN = /^([\u3400-\u4dbf\u4e00-\u9fffA-Za-z]{1,20})[〔［[【(（](\d{4})[〕］\]】)）](\d{1,6})号$/;

/** The normalised 文号, or null when `raw` does not look like one. */
export function normalizeDocumentNumber(raw: string): string | null {
  const m = DOCUMENT_NUMBER_PATTERN.exec(raw.replace(/\s+/g, ''));
  if (!m) return null;
  const year = Number(m[2]);
  if (year < 1949 || year > 2199) return null;
  return `${m[1]}〔${m[2]}〕${m[3]}号`;
}

export const DocumentNumberSchema = z
  .string({ error: '请填写文号' })
  .trim()
  .max(POLICY_LIMITS.documentNumberMax, { message: `文号最多${POLICY_LIMITS.documentNumberMax}个字符` })
  .refine((s) => normalizeDocumentNumber(s) !== null, { message: '文号格式应为“机关代字〔年份〕序号号”，如：沪民宗发〔2022〕3号' })
  .transform((s) => normalizeDocumentNumber(s) as string);

/** Rich text as sent (HTML); the server sanitizes it and refuses it when nothing is left. */
const RichTextInputSchema = (label: string) =>
  z
    .string({ error: `请填写${label}` })
    .max(POLICY_LIMITS.bodyMax, { message: `${label}内容过长` })
    .refine((s) => s.trim().length > 0, { message: `请填写${label}` });

/** Attachment or image upload ids (from `POST /api/uploads`). */
const UploadIdsSchema = (label: string, max: number) =>
  z.array(ObjectIdStringSchema).max(max, { message: `${label}最多${max}个` });

/** Optional text of the catalog: may be cleared with an empty string. */
const catalogText = (label: string, max: number) => boundedText(label, 0, max);

/** The catalog fields the author fills in (the rest come from the policy). */
export const PolicyCatalogInputSchema = z.object({
  summary: catalogText('内容摘要', POLICY_LIMITS.summaryMax).optional(),
  basis: catalogText('公开依据', POLICY_LIMITS.basisMax).optional(),
  subject: catalogText('公开主体', POLICY_LIMITS.catalogFieldMax).optional(),
  timeLimit: catalogText('公开时限', POLICY_LIMITS.catalogFieldMax).optional(),
  audience: catalogText('公开对象', POLICY_LIMITS.catalogFieldMax).optional(),
  channel: catalogText('公开渠道', POLICY_LIMITS.catalogFieldMax).optional(),
  method: catalogText('公开方式', POLICY_LIMITS.catalogFieldMax).optional(),
  attribute: DisclosureAttributeSchema.optional(),
  websiteColumn: catalogText('网站栏目', POLICY_LIMITS.catalogFieldMax).optional(),
});
export type PolicyCatalogInput = z.infer<typeof PolicyCatalogInputSchema>;

/** Catalog text fields that must be filled in before a policy is submitted for review. */
export const REQUIRED_CATALOG_TEXT: readonly (keyof PolicyCatalogInput)[] = [
  'summary',
  'basis',
  'subject',
  'timeLimit',
  'audience',
  'channel',
  'method',
  'websiteColumn',
];

/** Category keys: lower-case ASCII, stable (used in URLs and stored on policies). */
export const CategoryKeySchema = z
  .string({ error: '请填写类别代码' })
  .trim()
  .regex(/^[a-z][a-z0-9_-]{0,31}$/, { message: '类别代码只能包含小写字母、数字、下划线和连字符，并以字母开头' });

const policyFields = {
  title: boundedText('标题', POLICY_LIMITS.titleMin, POLICY_LIMITS.titleMax),
  /** null: the document has no 文号 (allowed only in categories that do not require one). */
  documentNumber: DocumentNumberSchema.nullable(),
  issuingBody: boundedText('发文机关', POLICY_LIMITS.issuingBodyMin, POLICY_LIMITS.issuingBodyMax),
  category: CategoryKeySchema,
  /** 责任部门. Handlers may only name their own department (and may leave it out). */
  departmentId: ObjectIdStringSchema,
  catalog: PolicyCatalogInputSchema,
  effectiveDate: IsoDateSchema.nullable(),
  expiryDate: IsoDateSchema.nullable(),
  body: RichTextInputSchema('正文'),
  attachmentIds: UploadIdsSchema('附件', POLICY_LIMITS.attachmentsMax),
};

const expiryAfterEffective = (p: { effectiveDate?: string | null; expiryDate?: string | null }) =>
  !p.effectiveDate || !p.expiryDate || p.expiryDate > p.effectiveDate;
const EXPIRY_ISSUE = { message: '失效日期应晚于生效日期', path: ['expiryDate'] };

export const PolicyCreateSchema = z
  .object({
    title: policyFields.title,
    documentNumber: policyFields.documentNumber.optional(),
    issuingBody: policyFields.issuingBody,
    category: policyFields.category,
    departmentId: policyFields.departmentId.optional(),
    catalog: policyFields.catalog.optional(),
    effectiveDate: policyFields.effectiveDate.optional(),
    expiryDate: policyFields.expiryDate.optional(),
    body: policyFields.body,
    attachmentIds: policyFields.attachmentIds.optional(),
  })
  .refine(expiryAfterEffective, EXPIRY_ISSUE);
export type PolicyCreate = z.infer<typeof PolicyCreateSchema>;

/** A draft's changes; `catalog` fields are merged one by one. */
export const PolicyUpdateSchema = z
  .object({
    title: policyFields.title.optional(),
    documentNumber: policyFields.documentNumber.optional(),
    issuingBody: policyFields.issuingBody.optional(),
    category: policyFields.category.optional(),
    departmentId: policyFields.departmentId.optional(),
    catalog: policyFields.catalog.optional(),
    effectiveDate: policyFields.effectiveDate.optional(),
    expiryDate: policyFields.expiryDate.optional(),
    body: policyFields.body.optional(),
    attachmentIds: policyFields.attachmentIds.optional(),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), { message: '没有要修改的内容' })
  .refine(expiryAfterEffective, EXPIRY_ISSUE);
export type PolicyUpdate = z.infer<typeof PolicyUpdateSchema>;

export const PolicyReasonSchema = z.object({
  reason: boundedText('退回理由', POLICY_LIMITS.reasonMin, POLICY_LIMITS.reasonMax),
});

/** The 保密审查 the reviewer records with the approval; the reviewer is the acting staff member. */
export const ConfidentialityReviewInputSchema = z
  .object(
    {
      result: ConfidentialityResultSchema,
      /** When the check was made; default now. Not in the future. */
      checkedAt: z.iso.datetime({ offset: true, error: '审查时间格式不正确' }).optional(),
      note: boundedText('审查说明', 0, POLICY_LIMITS.noteMax).optional(),
    },
    { error: '审核通过前须完成保密审查' },
  )
  .refine((r) => r.result !== 'redacted' || (r.note !== undefined && charCount(r.note) > 0), {
    message: '请说明作了哪些删除或脱密处理',
    path: ['note'],
  });

/** Approval: refused (400) without the confidentiality review. */
export const PolicyApproveSchema = z.object({
  confidentialityReview: ConfidentialityReviewInputSchema,
});
export type PolicyApprove = z.infer<typeof PolicyApproveSchema>;

export const PolicyPublishSchema = z.object({
  /** Publication instant; default now. Not in the future. */
  publishedAt: z.iso.datetime({ offset: true, error: '发布时间格式不正确' }).optional(),
  /** Default: the CST date of publication, unless the draft already set one. */
  effectiveDate: IsoDateSchema.optional(),
  /** Also publish the policy's approved interpretations, at the same instant (同步发布). Default true. */
  withInterpretations: z.boolean({ error: '只能是 true 或 false' }).default(true),
});
export type PolicyPublish = z.infer<typeof PolicyPublishSchema>;

/** `repeal` and `amend`: the published document that replaces or amends this one, if any. */
export const PolicyMarkSchema = z.object({
  replacedById: ObjectIdStringSchema.optional(),
  note: boundedText('说明', 0, POLICY_LIMITS.noteMax).optional(),
});
export type PolicyMark = z.infer<typeof PolicyMarkSchema>;

export const PolicyExpireSchema = z.object({
  note: boundedText('说明', 0, POLICY_LIMITS.noteMax).optional(),
});

/** Search text: user input, matched literally (never as a pattern). */
const SearchTextSchema = z
  .string()
  .trim()
  .min(1, { message: '请输入搜索内容' })
  .max(POLICY_LIMITS.searchMax, { message: `搜索内容最多${POLICY_LIMITS.searchMax}个字` });

export const PolicyPublicQuerySchema = CursorQuerySchema.extend({
  category: CategoryKeySchema.optional(),
  q: SearchTextSchema.optional(),
  validity: PolicyValiditySchema.optional(),
});
export type PolicyPublicQuery = z.infer<typeof PolicyPublicQuerySchema>;

export const PolicyAdminQuerySchema = CursorQuerySchema.extend({
  status: PolicyStatusSchema.optional(),
  category: CategoryKeySchema.optional(),
  departmentId: ObjectIdStringSchema.optional(),
  validity: PolicyValiditySchema.optional(),
  q: SearchTextSchema.optional(),
});
export type PolicyAdminQuery = z.infer<typeof PolicyAdminQuerySchema>;

/** `?true|false` as query strings arrive. */
const BooleanQuerySchema = z.enum(['true', 'false'], { error: '只能是 true 或 false' }).transform((v) => v === 'true');

export const InterpretationGapQuerySchema = CursorQuerySchema.extend({
  category: CategoryKeySchema.optional(),
  departmentId: ObjectIdStringSchema.optional(),
  /** Only gaps past their deadline (late ones, and missing ones whose deadline has passed). */
  overdue: BooleanQuerySchema.optional(),
});
export type InterpretationGapQuery = z.infer<typeof InterpretationGapQuerySchema>;

// ---------------------------------------------------------------------------------------------
// Interpretations
// ---------------------------------------------------------------------------------------------

export const QaPairSchema = z.object({
  question: boundedText('问题', 1, POLICY_LIMITS.questionMax),
  answer: boundedText('回答', 1, POLICY_LIMITS.answerMax),
});
export type QaPair = z.infer<typeof QaPairSchema>;

/** Video links must be https (the mini-program only opens https). */
export const VideoUrlSchema = z
  .string({ error: '请填写视频链接' })
  .trim()
  .max(POLICY_LIMITS.videoUrlMax, { message: '视频链接过长' })
  .refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'https:' && u.hostname.length > 0 && !u.username && !u.password;
    } catch {
      return false;
    }
  }, { message: '视频链接须为 https 地址' });

const interpretationFields = {
  kind: InterpretationKindSchema,
  title: boundedText('标题', POLICY_LIMITS.titleMin, POLICY_LIMITS.titleMax),
  body: RichTextInputSchema('解读内容').nullable(),
  qa: z.array(QaPairSchema).max(POLICY_LIMITS.qaMax, { message: `问答最多${POLICY_LIMITS.qaMax}条` }),
  videoUrl: VideoUrlSchema.nullable(),
  imageIds: UploadIdsSchema('图片', POLICY_LIMITS.imagesMax),
  attachmentIds: UploadIdsSchema('附件', POLICY_LIMITS.attachmentsMax),
  author: boundedText('作者', 0, POLICY_LIMITS.authorMax),
  source: boundedText('来源', 0, POLICY_LIMITS.sourceMax),
};

export const InterpretationCreateSchema = z.object({
  policyId: ObjectIdStringSchema,
  kind: interpretationFields.kind,
  title: interpretationFields.title,
  body: interpretationFields.body.optional(),
  qa: interpretationFields.qa.optional(),
  videoUrl: interpretationFields.videoUrl.optional(),
  imageIds: interpretationFields.imageIds.optional(),
  attachmentIds: interpretationFields.attachmentIds.optional(),
  author: interpretationFields.author.optional(),
  source: interpretationFields.source.optional(),
});
export type InterpretationCreate = z.infer<typeof InterpretationCreateSchema>;

export const InterpretationUpdateSchema = z
  .object({
    kind: interpretationFields.kind.optional(),
    title: interpretationFields.title.optional(),
    body: interpretationFields.body.optional(),
    qa: interpretationFields.qa.optional(),
    videoUrl: interpretationFields.videoUrl.optional(),
    imageIds: interpretationFields.imageIds.optional(),
    attachmentIds: interpretationFields.attachmentIds.optional(),
    author: interpretationFields.author.optional(),
    source: interpretationFields.source.optional(),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), { message: '没有要修改的内容' });
export type InterpretationUpdate = z.infer<typeof InterpretationUpdateSchema>;

/** What each kind needs, checked on the whole interpretation (after an update is merged). */
export function interpretationContentIssues(i: {
  kind: InterpretationKind;
  body: string | null;
  qa: readonly QaPair[];
  videoUrl: string | null;
  imageIds: readonly string[];
}): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  if ((i.kind === 'text' || i.kind === 'expert') && !i.body) issues.push({ path: 'body', message: '请填写解读内容' });
  if (i.kind === 'qa' && i.qa.length === 0) issues.push({ path: 'qa', message: '问答解读至少需要一组问答' });
  if (i.kind === 'graphic' && i.imageIds.length === 0) issues.push({ path: 'imageIds', message: '图解至少需要一张图片' });
  if (i.kind === 'video' && !i.videoUrl) issues.push({ path: 'videoUrl', message: '请填写视频链接' });
  return issues;
}

export const InterpretationPublishSchema = z.object({
  /** Publication instant; default now. Not in the future, not before the policy's. */
  publishedAt: z.iso.datetime({ offset: true, error: '发布时间格式不正确' }).optional(),
});

export const InterpretationAdminQuerySchema = CursorQuerySchema.extend({
  policyId: ObjectIdStringSchema.optional(),
  status: PolicyStatusSchema.optional(),
  kind: InterpretationKindSchema.optional(),
  departmentId: ObjectIdStringSchema.optional(),
});
export type InterpretationAdminQuery = z.infer<typeof InterpretationAdminQuerySchema>;

// ---------------------------------------------------------------------------------------------
// Categories (a managed catalog)
// ---------------------------------------------------------------------------------------------

export const CategoryCreateSchema = z.object({
  key: CategoryKeySchema,
  name: boundedText('类别名称', 1, POLICY_LIMITS.categoryNameMax),
  description: boundedText('说明', 0, POLICY_LIMITS.categoryDescriptionMax).optional(),
  sortOrder: z.number({ error: '排序应为整数' }).int({ message: '排序应为整数' }).min(0, { message: '排序不能小于0' }).max(9999, { message: '排序不能大于9999' }).optional(),
  /** Documents of this category must carry a 文号. */
  requiresDocumentNumber: z.boolean({ error: '只能是 true 或 false' }).optional(),
  /** Documents of this category must be interpreted within the deadline (interpretation-gap list). */
  interpretationRequired: z.boolean({ error: '只能是 true 或 false' }).optional(),
});
export type CategoryCreate = z.infer<typeof CategoryCreateSchema>;

/** Everything but the key (stored on policies and used in URLs) may change. */
export const CategoryUpdateSchema = CategoryCreateSchema.omit({ key: true })
  .partial()
  .refine((p) => Object.values(p).some((v) => v !== undefined), { message: '没有要修改的内容' });
export type CategoryUpdate = z.infer<typeof CategoryUpdateSchema>;

/** The catalog seeded on first use; admins change it afterwards. */
export const DEFAULT_POLICY_CATEGORIES: readonly Required<CategoryCreate>[] = [
  { key: 'normative', name: '规范性文件', description: '', sortOrder: 10, requiresDocumentNumber: true, interpretationRequired: true },
  { key: 'notice', name: '通知公告', description: '', sortOrder: 20, requiresDocumentNumber: false, interpretationRequired: false },
  { key: 'power_list', name: '权力清单', description: '', sortOrder: 30, requiresDocumentNumber: false, interpretationRequired: false },
  { key: 'responsibility_list', name: '责任清单', description: '', sortOrder: 40, requiresDocumentNumber: false, interpretationRequired: false },
  { key: 'budget', name: '财政预决算', description: '', sortOrder: 50, requiresDocumentNumber: false, interpretationRequired: false },
  { key: 'random_inspection', name: '随机抽查', description: '', sortOrder: 60, requiresDocumentNumber: false, interpretationRequired: false },
  { key: 'government_service', name: '政务服务', description: '', sortOrder: 70, requiresDocumentNumber: false, interpretationRequired: false },
  { key: 'major_project', name: '重大建设项目', description: '', sortOrder: 80, requiresDocumentNumber: false, interpretationRequired: false },
  { key: 'personnel', name: '人事信息', description: '', sortOrder: 90, requiresDocumentNumber: false, interpretationRequired: false },
  { key: 'other', name: '其他', description: '', sortOrder: 100, requiresDocumentNumber: false, interpretationRequired: false },
];

export const CategoryRefSchema = z.object({ key: z.string(), name: z.string() });

export const CategoryPublicViewSchema = z.object({
  key: z.string(),
  name: z.string(),
  description: z.string(),
  /** Published policies in the category. */
  publishedCount: z.number().int(),
});
export const CategoryPublicListSchema = z.object({ items: z.array(CategoryPublicViewSchema) });

export const CategoryAdminViewSchema = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  description: z.string(),
  sortOrder: z.number().int(),
  requiresDocumentNumber: z.boolean(),
  interpretationRequired: z.boolean(),
  /** Policies of any status in the category (a category in use cannot be deleted). */
  policyCount: z.number().int(),
  publishedCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CategoryAdminView = z.infer<typeof CategoryAdminViewSchema>;
export const CategoryAdminListSchema = z.object({ items: z.array(CategoryAdminViewSchema) });

// ---------------------------------------------------------------------------------------------
// Views
// ---------------------------------------------------------------------------------------------

const ValidityFields = {
  validity: PolicyValiditySchema,
  validityLabel: z.string(),
};

export const InterpretationKindViewSchema = z.object({ kind: InterpretationKindSchema, label: z.string() });

/** A row of the public list. */
export const PolicyPublicRowSchema = z.object({
  id: z.string(),
  title: z.string(),
  documentNumber: z.string().nullable(),
  issuingBody: z.string(),
  category: CategoryRefSchema,
  publishedAt: z.string(),
  ...ValidityFields,
  interpreted: z.boolean(),
  interpretationKinds: z.array(InterpretationKindViewSchema),
});
export type PolicyPublicRow = z.infer<typeof PolicyPublicRowSchema>;
export const PolicyPublicPageSchema = cursorPageSchema(PolicyPublicRowSchema);

/** The 13 elements of the 政府信息公开目录, values ready to show (labels in {@link POLICY_CATALOG_LABELS}). */
export const PolicyCatalogViewSchema = z.object({
  category: z.string(),
  name: z.string(),
  summary: z.string(),
  basis: z.string(),
  subject: z.string(),
  department: z.string(),
  timeLimit: z.string(),
  audience: z.string(),
  channel: z.string(),
  method: z.string(),
  attribute: DisclosureAttributeSchema,
  attributeLabel: z.string(),
  websiteColumn: z.string(),
  /** CST date `YYYY-MM-DD`; null before publication. */
  publishedAt: z.string().nullable(),
});
export type PolicyCatalogView = z.infer<typeof PolicyCatalogViewSchema>;

/** A document linked to this one (replaces / replaced by / amends / amended by). */
export const RelatedPolicyViewSchema = z.object({
  id: z.string(),
  title: z.string(),
  documentNumber: z.string().nullable(),
  publishedAt: z.string().nullable(),
  ...ValidityFields,
});
export const PolicyRelationsViewSchema = z.object({
  /** Documents this one replaced (they are repealed). */
  replaces: z.array(RelatedPolicyViewSchema),
  /** The documents that replaced this one. */
  replacedBy: z.array(RelatedPolicyViewSchema),
  /** Documents this one amended. */
  amends: z.array(RelatedPolicyViewSchema),
  /** The documents that amended this one. */
  amendedBy: z.array(RelatedPolicyViewSchema),
});

export const InterpretationPublicViewSchema = z.object({
  id: z.string(),
  kind: InterpretationKindSchema,
  kindLabel: z.string(),
  title: z.string(),
  /** Sanitized rich text for the mini-program's `RichText`. */
  body: z.string().nullable(),
  qa: z.array(QaPairSchema),
  videoUrl: z.string().nullable(),
  images: z.array(UploadViewSchema),
  attachments: z.array(UploadViewSchema),
  author: z.string(),
  source: z.string(),
  publishedAt: z.string(),
});

export const PolicyPublicViewSchema = PolicyPublicRowSchema.extend({
  departmentName: z.string(),
  effectiveDate: z.string().nullable(),
  expiryDate: z.string().nullable(),
  validityChangedAt: z.string().nullable(),
  /** Sanitized rich text for the mini-program's `RichText`. */
  body: z.string(),
  catalog: PolicyCatalogViewSchema,
  attachments: z.array(UploadViewSchema),
  interpretations: z.array(InterpretationPublicViewSchema),
  related: PolicyRelationsViewSchema,
  /** Public views so far, this one included (a cached copy may be a few seconds behind). */
  viewCount: z.number().int(),
});
export type PolicyPublicView = z.infer<typeof PolicyPublicViewSchema>;

/** A working-day deadline with how it was computed (the one view of every feature). */
export const PolicyDeadlineViewSchema = DeadlineViewSchema;

/** One step of a policy's or an interpretation's history. */
export const PolicyHistoryEntryViewSchema = z.object({
  action: z.string(),
  at: z.string(),
  fromStatus: PolicyStatusSchema.nullable(),
  toStatus: PolicyStatusSchema,
  validity: PolicyValiditySchema.nullable(),
  actorId: z.string(),
  actorUsername: z.string(),
  actorRole: z.string(),
  note: z.string().nullable(),
});

export const ConfidentialityReviewViewSchema = z.object({
  reviewerId: z.string(),
  reviewerUsername: z.string(),
  checkedAt: z.string(),
  result: ConfidentialityResultSchema,
  resultLabel: z.string(),
  note: z.string(),
});

const ReviewFields = {
  status: PolicyStatusSchema,
  statusLabel: z.string(),
  returnReason: z.string().nullable(),
  confidentialityReview: ConfidentialityReviewViewSchema.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
};

export const PolicyAdminRowSchema = z.object({
  id: z.string(),
  title: z.string(),
  documentNumber: z.string().nullable(),
  issuingBody: z.string(),
  category: CategoryRefSchema,
  departmentId: z.string(),
  departmentName: z.string(),
  status: PolicyStatusSchema,
  statusLabel: z.string(),
  ...ValidityFields,
  publishedAt: z.string().nullable(),
  interpretationCount: z.number().int(),
  interpretationKinds: z.array(InterpretationKindViewSchema),
  viewCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const PolicyAdminPageSchema = cursorPageSchema(PolicyAdminRowSchema);

export const InterpretationAdminRowSchema = z.object({
  id: z.string(),
  policyId: z.string(),
  departmentId: z.string(),
  kind: InterpretationKindSchema,
  kindLabel: z.string(),
  title: z.string(),
  status: PolicyStatusSchema,
  statusLabel: z.string(),
  publishedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const InterpretationAdminPageSchema = cursorPageSchema(InterpretationAdminRowSchema);

export const PolicyAdminViewSchema = PolicyAdminRowSchema.extend({
  ...ReviewFields,
  effectiveDate: z.string().nullable(),
  expiryDate: z.string().nullable(),
  validityChangedAt: z.string().nullable(),
  validityNote: z.string().nullable(),
  body: z.string(),
  catalog: PolicyCatalogViewSchema,
  attachments: z.array(UploadViewSchema),
  interpretations: z.array(InterpretationAdminRowSchema),
  related: PolicyRelationsViewSchema,
  /** Interpretation deadline (published policies): 3 working days after publication, with how it was computed. */
  interpretationDeadline: PolicyDeadlineViewSchema.nullable(),
  history: z.array(PolicyHistoryEntryViewSchema),
});
export type PolicyAdminView = z.infer<typeof PolicyAdminViewSchema>;

export const InterpretationAdminViewSchema = InterpretationAdminRowSchema.extend({
  ...ReviewFields,
  policy: z.object({ id: z.string(), title: z.string(), status: PolicyStatusSchema, publishedAt: z.string().nullable() }),
  body: z.string().nullable(),
  qa: z.array(QaPairSchema),
  videoUrl: z.string().nullable(),
  images: z.array(UploadViewSchema),
  attachments: z.array(UploadViewSchema),
  author: z.string(),
  source: z.string(),
  history: z.array(PolicyHistoryEntryViewSchema),
});
export type InterpretationAdminView = z.infer<typeof InterpretationAdminViewSchema>;

export const INTERPRETATION_GAP_KINDS = ['missing', 'late'] as const;
export const INTERPRETATION_GAP_LABELS: Record<(typeof INTERPRETATION_GAP_KINDS)[number], string> = {
  missing: '未解读',
  late: '解读发布超期',
};

/** A published policy whose interpretation is missing or came out after the deadline. */
export const InterpretationGapViewSchema = z.object({
  policy: z.object({
    id: z.string(),
    title: z.string(),
    documentNumber: z.string().nullable(),
    category: CategoryRefSchema,
    departmentId: z.string(),
    departmentName: z.string(),
    publishedAt: z.string(),
  }),
  gap: z.enum(INTERPRETATION_GAP_KINDS),
  gapLabel: z.string(),
  deadline: PolicyDeadlineViewSchema,
  /** When the first interpretation was published (late gaps). */
  firstInterpretationAt: z.string().nullable(),
  /** Past the deadline: late, or missing with the deadline passed. */
  overdue: z.boolean(),
  /** Working days after the due date: when the interpretation came (late) or today (overdue missing). */
  workingDaysLate: z.number().int().nullable(),
});
export type InterpretationGapView = z.infer<typeof InterpretationGapViewSchema>;
export const InterpretationGapPageSchema = cursorPageSchema(InterpretationGapViewSchema);
