/**
 * Policy reading (政策解读): policy documents (collection `policies`), their interpretations
 * (`policy_interpretations`), the managed category catalog (`policy_categories`) and a marker
 * that the default catalog was seeded once (`policy_catalog_state`).
 *
 * A policy keeps a small summary of its published interpretations (`interpretation`): kinds,
 * count and when the first came out, updated in the transaction that publishes one, so public
 * lists and the interpretation-gap list never join the interpretations collection.
 */
import { Schema, type Types } from 'mongoose';
import {
  CONFIDENTIALITY_RESULTS,
  DISCLOSURE_ATTRIBUTES,
  INTERPRETATION_KINDS,
  POLICY_STATUSES,
  POLICY_VALIDITIES,
  type ConfidentialityResult,
  type DisclosureAttribute,
  type InterpretationKind,
  type PolicyStatus,
  type PolicyValidity,
  type QaPair,
} from '../../../../shared/policies';
import type { StaffRole } from '../../../../shared/staff';

/** The 保密审查 recorded with an approval. */
export interface ConfidentialityReviewDoc {
  reviewerId: string;
  reviewerUsername: string;
  checkedAt: Date;
  result: ConfidentialityResult;
  note: string;
}

/** One step of the history (every workflow action and validity mark). */
export interface PolicyHistoryDoc {
  /** `create`, `update`, `submit`, `approve`, `return`, `publish`, `repeal`, `amend`, `expire`, `link_replaces`, … */
  action: string;
  at: Date;
  fromStatus: PolicyStatus | null;
  toStatus: PolicyStatus;
  /** Validity after the step, for published policies. */
  validity: PolicyValidity | null;
  actorKind: 'staff' | 'system';
  /** Staff id, or the system component. */
  actorId: string;
  actorUsername: string;
  actorRole: StaffRole | 'system';
  note: string | null;
}

/** The catalog elements the author fills in (the other elements come from the policy). */
export interface PolicyCatalogDoc {
  summary: string;
  basis: string;
  subject: string;
  timeLimit: string;
  audience: string;
  channel: string;
  method: string;
  attribute: DisclosureAttribute;
  websiteColumn: string;
}

/** Links to other policies; both sides are written together. */
export interface PolicyRelationsDoc {
  replaces: Types.ObjectId[];
  replacedBy: Types.ObjectId[];
  amends: Types.ObjectId[];
  amendedBy: Types.ObjectId[];
}

/** Summary of the published interpretations. */
export interface PolicyInterpretationSummaryDoc {
  count: number;
  kinds: InterpretationKind[];
  /** When the first interpretation was published; null while there is none. */
  firstPublishedAt: Date | null;
}

export interface PolicyDoc {
  _id: Types.ObjectId;
  title: string;
  /** Normalised 文号 (`沪民宗发〔2022〕3号`), or null. */
  documentNumber: string | null;
  issuingBody: string;
  /** Category key (keys never change). */
  category: string;
  /** 责任部门. */
  departmentId: Types.ObjectId;
  /** The department's name when last saved. */
  departmentName: string;
  catalog: PolicyCatalogDoc;
  /** CST dates `YYYY-MM-DD`. */
  effectiveDate: string | null;
  expiryDate: string | null;
  /** Sanitized HTML. */
  body: string;
  /** Attachments in order (upload ids, claimed for this policy). */
  attachmentIds: string[];
  /** Our uploads shown as images in the body (also claimed for this policy). */
  bodyImageIds: string[];
  status: PolicyStatus;
  validity: PolicyValidity;
  validityChangedAt: Date | null;
  validityNote: string | null;
  relations: PolicyRelationsDoc;
  confidentialityReview: ConfidentialityReviewDoc | null;
  returnReason: string | null;
  publishedAt: Date | null;
  interpretation: PolicyInterpretationSummaryDoc;
  /** Public detail views. */
  viewCount: number;
  history: PolicyHistoryDoc[];
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface InterpretationDoc {
  _id: Types.ObjectId;
  policyId: Types.ObjectId;
  /** The policy's 责任部门 (handlers see and edit their department's interpretations only). */
  departmentId: Types.ObjectId;
  kind: InterpretationKind;
  title: string;
  /** Sanitized HTML, or null (question-and-answer, graphic and video interpretations may have none). */
  body: string | null;
  qa: QaPair[];
  videoUrl: string | null;
  imageIds: string[];
  attachmentIds: string[];
  bodyImageIds: string[];
  author: string;
  source: string;
  status: PolicyStatus;
  confidentialityReview: ConfidentialityReviewDoc | null;
  returnReason: string | null;
  publishedAt: Date | null;
  history: PolicyHistoryDoc[];
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface PolicyCategoryDoc {
  _id: Types.ObjectId;
  /** Unique, immutable. */
  key: string;
  /** Unique. */
  name: string;
  description: string;
  sortOrder: number;
  requiresDocumentNumber: boolean;
  interpretationRequired: boolean;
  /** Policies of any status in the category (maintained with `$inc`, see policy-categories.ts). */
  policyCount: number;
  /** Published policies in the category (idem). */
  publishedCount: number;
  createdAt: Date;
  updatedAt: Date;
}

/** `_id: 'categories'`: the defaults were seeded (admins may delete them afterwards for good). */
export interface PolicyCatalogStateDoc {
  _id: string;
  seededAt: Date;
}

const confidentialityReviewSchema = new Schema<ConfidentialityReviewDoc>(
  {
    reviewerId: { type: String, required: true },
    reviewerUsername: { type: String, required: true },
    checkedAt: { type: Date, required: true },
    result: { type: String, enum: CONFIDENTIALITY_RESULTS, required: true },
    note: { type: String, default: '' },
  },
  { _id: false },
);

const historySchema = new Schema<PolicyHistoryDoc>(
  {
    action: { type: String, required: true },
    at: { type: Date, required: true },
    fromStatus: { type: String, enum: [...POLICY_STATUSES, null], default: null },
    toStatus: { type: String, enum: POLICY_STATUSES, required: true },
    validity: { type: String, enum: [...POLICY_VALIDITIES, null], default: null },
    actorKind: { type: String, enum: ['staff', 'system'], required: true },
    actorId: { type: String, required: true },
    actorUsername: { type: String, required: true },
    actorRole: { type: String, required: true },
    note: { type: String, default: null },
  },
  { _id: false },
);

const catalogSchema = new Schema<PolicyCatalogDoc>(
  {
    summary: { type: String, default: '' },
    basis: { type: String, default: '' },
    subject: { type: String, default: '' },
    timeLimit: { type: String, default: '' },
    audience: { type: String, default: '' },
    channel: { type: String, default: '' },
    method: { type: String, default: '' },
    attribute: { type: String, enum: DISCLOSURE_ATTRIBUTES, default: 'proactive' },
    websiteColumn: { type: String, default: '' },
  },
  { _id: false },
);

const relationsSchema = new Schema<PolicyRelationsDoc>(
  {
    replaces: { type: [Schema.Types.ObjectId], default: [] },
    replacedBy: { type: [Schema.Types.ObjectId], default: [] },
    amends: { type: [Schema.Types.ObjectId], default: [] },
    amendedBy: { type: [Schema.Types.ObjectId], default: [] },
  },
  { _id: false },
);

const interpretationSummarySchema = new Schema<PolicyInterpretationSummaryDoc>(
  {
    count: { type: Number, default: 0 },
    kinds: { type: [String], enum: INTERPRETATION_KINDS, default: [] },
    firstPublishedAt: { type: Date, default: null },
  },
  { _id: false },
);

export const policySchema = new Schema<PolicyDoc>(
  {
    title: { type: String, required: true },
    documentNumber: { type: String, default: null },
    issuingBody: { type: String, required: true },
    category: { type: String, required: true },
    departmentId: { type: Schema.Types.ObjectId, required: true },
    departmentName: { type: String, required: true },
    catalog: { type: catalogSchema, required: true },
    effectiveDate: { type: String, default: null },
    expiryDate: { type: String, default: null },
    body: { type: String, required: true },
    attachmentIds: { type: [String], default: [] },
    bodyImageIds: { type: [String], default: [] },
    status: { type: String, enum: POLICY_STATUSES, required: true },
    validity: { type: String, enum: POLICY_VALIDITIES, default: 'valid' },
    validityChangedAt: { type: Date, default: null },
    validityNote: { type: String, default: null },
    relations: { type: relationsSchema, default: () => ({}) },
    confidentialityReview: { type: confidentialityReviewSchema, default: null },
    returnReason: { type: String, default: null },
    publishedAt: { type: Date, default: null },
    interpretation: { type: interpretationSummarySchema, default: () => ({}) },
    viewCount: { type: Number, default: 0 },
    history: { type: [historySchema], default: [] },
    createdBy: { type: String, required: true },
  },
  { collection: 'policies', timestamps: true, autoIndex: false },
);
// The public list: published, newest first, optionally by category or validity (cursor on publishedAt, _id).
policySchema.index({ status: 1, publishedAt: -1, _id: -1 });
policySchema.index({ status: 1, category: 1, publishedAt: -1, _id: -1 });
policySchema.index({ status: 1, validity: 1, publishedAt: -1, _id: -1 });
// The back office list, newest first, and per department (handlers).
policySchema.index({ createdAt: -1, _id: -1 });
policySchema.index({ departmentId: 1, createdAt: -1, _id: -1 });
// Category usage counts (and the in-use check before deleting a category).
policySchema.index({ category: 1, status: 1 });
// Expiry sweep.
policySchema.index({ status: 1, validity: 1, expiryDate: 1 });

export const interpretationSchema = new Schema<InterpretationDoc>(
  {
    policyId: { type: Schema.Types.ObjectId, required: true },
    departmentId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, enum: INTERPRETATION_KINDS, required: true },
    title: { type: String, required: true },
    body: { type: String, default: null },
    qa: {
      type: [new Schema<QaPair>({ question: { type: String, required: true }, answer: { type: String, required: true } }, { _id: false })],
      default: [],
    },
    videoUrl: { type: String, default: null },
    imageIds: { type: [String], default: [] },
    attachmentIds: { type: [String], default: [] },
    bodyImageIds: { type: [String], default: [] },
    author: { type: String, default: '' },
    source: { type: String, default: '' },
    status: { type: String, enum: POLICY_STATUSES, required: true },
    confidentialityReview: { type: confidentialityReviewSchema, default: null },
    returnReason: { type: String, default: null },
    publishedAt: { type: Date, default: null },
    history: { type: [historySchema], default: [] },
    createdBy: { type: String, required: true },
  },
  { collection: 'policy_interpretations', timestamps: true, autoIndex: false },
);
interpretationSchema.index({ policyId: 1, status: 1, publishedAt: 1 });
interpretationSchema.index({ createdAt: -1, _id: -1 });
interpretationSchema.index({ status: 1, publishedAt: 1 });

export const policyCategorySchema = new Schema<PolicyCategoryDoc>(
  {
    key: { type: String, required: true },
    name: { type: String, required: true },
    description: { type: String, default: '' },
    sortOrder: { type: Number, default: 0 },
    requiresDocumentNumber: { type: Boolean, default: false },
    interpretationRequired: { type: Boolean, default: false },
    policyCount: { type: Number, default: 0 },
    publishedCount: { type: Number, default: 0 },
  },
  { collection: 'policy_categories', timestamps: true, autoIndex: false },
);
policyCategorySchema.index({ key: 1 }, { unique: true });
policyCategorySchema.index({ name: 1 }, { unique: true });

export const policyCatalogStateSchema = new Schema<PolicyCatalogStateDoc>(
  {
    _id: { type: String, required: true },
    seededAt: { type: Date, required: true },
  },
  { collection: 'policy_catalog_state', autoIndex: false },
);
