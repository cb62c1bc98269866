/**
 * Policies, interpretations and categories as each audience sees them: the public sees only
 * published material (the service never hands anything else to these presenters) without staff
 * names or review data; staff see the workflow state, the confidentiality review and the history.
 */
import {
  CONFIDENTIALITY_RESULT_LABELS,
  DISCLOSURE_ATTRIBUTE_LABELS,
  INTERPRETATION_GAP_LABELS,
  INTERPRETATION_KIND_LABELS,
  POLICY_STATUS_LABELS,
  POLICY_VALIDITY_LABELS,
  type CategoryAdminView,
  type InterpretationAdminView,
  type InterpretationGapView,
  type InterpretationKind,
  type PolicyAdminView,
  type PolicyCatalogView,
  type PolicyPublicRow,
  type PolicyPublicView,
} from '../../../../shared/policies';
import { toCstDate } from '../../lib/calendar';
import { presentUpload } from '../upload/upload.presenter';
import { presentDeadline } from '../../lib/deadline-view';
import { interpretationDeadline, type InterpretationGap } from './policy-deadlines';
import type { ConfidentialityReviewDoc, InterpretationDoc, PolicyCategoryDoc, PolicyDoc, PolicyHistoryDoc } from './policy.model';
import type { CategoryWithCounts, InterpretationDetail, PolicyDetail, PolicyRelated, RelatedPolicy, StaffInterpretationDetail } from './policy.service';

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null | undefined) => (d ? d.toISOString() : null);

function categoryRef(key: string, categories: ReadonlyMap<string, PolicyCategoryDoc>) {
  return { key, name: categories.get(key)?.name ?? key };
}

function kindsOf(kinds: readonly InterpretationKind[] | undefined) {
  return (kinds ?? []).map((kind) => ({ kind, label: INTERPRETATION_KIND_LABELS[kind] }));
}

function validityOf(p: Pick<PolicyDoc, 'validity'>) {
  return { validity: p.validity, validityLabel: POLICY_VALIDITY_LABELS[p.validity] };
}

/** A row of `GET /api/policies`. */
export function presentPublicRow(p: PolicyDoc, categories: ReadonlyMap<string, PolicyCategoryDoc>): PolicyPublicRow {
  return {
    id: p._id.toHexString(),
    title: p.title,
    documentNumber: p.documentNumber,
    issuingBody: p.issuingBody,
    category: categoryRef(p.category, categories),
    publishedAt: iso(p.publishedAt as Date),
    ...validityOf(p),
    interpreted: (p.interpretation?.count ?? 0) > 0,
    interpretationKinds: kindsOf(p.interpretation?.kinds),
  };
}

/** The 13 elements of the disclosure catalog. */
export function presentCatalog(p: PolicyDoc, categoryName: string): PolicyCatalogView {
  return {
    category: categoryName,
    name: p.title,
    summary: p.catalog.summary,
    basis: p.catalog.basis,
    subject: p.catalog.subject,
    department: p.departmentName,
    timeLimit: p.catalog.timeLimit,
    audience: p.catalog.audience,
    channel: p.catalog.channel,
    method: p.catalog.method,
    attribute: p.catalog.attribute,
    attributeLabel: DISCLOSURE_ATTRIBUTE_LABELS[p.catalog.attribute],
    websiteColumn: p.catalog.websiteColumn,
    publishedAt: p.publishedAt ? toCstDate(p.publishedAt) : null,
  };
}

function related(r: RelatedPolicy) {
  return { id: r._id.toHexString(), title: r.title, documentNumber: r.documentNumber, publishedAt: isoOrNull(r.publishedAt), ...validityOf(r) };
}

function relations(r: PolicyRelated) {
  return {
    replaces: r.replaces.map(related),
    replacedBy: r.replacedBy.map(related),
    amends: r.amends.map(related),
    amendedBy: r.amendedBy.map(related),
  };
}

function publicInterpretation(d: InterpretationDetail) {
  const i = d.interpretation;
  return {
    id: i._id.toHexString(),
    kind: i.kind,
    kindLabel: INTERPRETATION_KIND_LABELS[i.kind],
    title: i.title,
    body: i.body,
    qa: i.qa.map((q) => ({ question: q.question, answer: q.answer })),
    videoUrl: i.videoUrl,
    images: d.images.map(presentUpload),
    attachments: d.attachments.map(presentUpload),
    author: i.author,
    source: i.source,
    publishedAt: iso(i.publishedAt as Date),
  };
}

/** `GET /api/policies/:id`. */
export function presentPublicPolicy(d: PolicyDetail): PolicyPublicView {
  const p = d.policy;
  const categories = new Map(d.category ? [[d.category.key, d.category]] : []);
  return {
    ...presentPublicRow(p, categories),
    departmentName: p.departmentName,
    effectiveDate: p.effectiveDate,
    expiryDate: p.expiryDate,
    validityChangedAt: isoOrNull(p.validityChangedAt),
    body: p.body,
    catalog: presentCatalog(p, d.category?.name ?? p.category),
    attachments: d.attachments.map(presentUpload),
    interpretations: d.interpretations.map(publicInterpretation),
    related: relations(d.related),
    viewCount: p.viewCount,
  };
}

function history(h: PolicyHistoryDoc) {
  return {
    action: h.action,
    at: iso(h.at),
    fromStatus: h.fromStatus,
    toStatus: h.toStatus,
    validity: h.validity,
    actorId: h.actorId,
    actorUsername: h.actorUsername,
    actorRole: h.actorRole,
    note: h.note,
  };
}

function review(r: ConfidentialityReviewDoc | null) {
  if (!r) return null;
  return {
    reviewerId: r.reviewerId,
    reviewerUsername: r.reviewerUsername,
    checkedAt: iso(r.checkedAt),
    result: r.result,
    resultLabel: CONFIDENTIALITY_RESULT_LABELS[r.result],
    note: r.note,
  };
}

/** A row of `GET /api/admin/policies`. */
export function presentAdminRow(p: PolicyDoc, categories: ReadonlyMap<string, PolicyCategoryDoc>) {
  return {
    id: p._id.toHexString(),
    title: p.title,
    documentNumber: p.documentNumber,
    issuingBody: p.issuingBody,
    category: categoryRef(p.category, categories),
    departmentId: p.departmentId.toHexString(),
    departmentName: p.departmentName,
    status: p.status,
    statusLabel: POLICY_STATUS_LABELS[p.status],
    ...validityOf(p),
    publishedAt: isoOrNull(p.publishedAt),
    interpretationCount: p.interpretation?.count ?? 0,
    interpretationKinds: kindsOf(p.interpretation?.kinds),
    viewCount: p.viewCount,
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
  };
}

/** A row of `GET /api/admin/interpretations`. */
export function presentInterpretationRow(i: InterpretationDoc) {
  return {
    id: i._id.toHexString(),
    policyId: i.policyId.toHexString(),
    departmentId: i.departmentId.toHexString(),
    kind: i.kind,
    kindLabel: INTERPRETATION_KIND_LABELS[i.kind],
    title: i.title,
    status: i.status,
    statusLabel: POLICY_STATUS_LABELS[i.status],
    publishedAt: isoOrNull(i.publishedAt),
    createdAt: iso(i.createdAt),
    updatedAt: iso(i.updatedAt),
  };
}

/** `GET /api/admin/policies/:id` and the answer of every policy action. */
export function presentAdminPolicy(d: PolicyDetail): PolicyAdminView {
  const p = d.policy;
  const categories = new Map(d.category ? [[d.category.key, d.category]] : []);
  return {
    ...presentAdminRow(p, categories),
    returnReason: p.returnReason,
    confidentialityReview: review(p.confidentialityReview),
    effectiveDate: p.effectiveDate,
    expiryDate: p.expiryDate,
    validityChangedAt: isoOrNull(p.validityChangedAt),
    validityNote: p.validityNote,
    body: p.body,
    catalog: presentCatalog(p, d.category?.name ?? p.category),
    attachments: d.attachments.map(presentUpload),
    interpretations: d.interpretations.map((i) => presentInterpretationRow(i.interpretation)),
    related: relations(d.related),
    interpretationDeadline: p.publishedAt ? presentDeadline(interpretationDeadline(p.publishedAt)) : null,
    history: p.history.map(history),
  };
}

/** `GET /api/admin/interpretations/:id` and the answer of every interpretation action. */
export function presentAdminInterpretation(d: StaffInterpretationDetail): InterpretationAdminView {
  const i = d.interpretation;
  return {
    ...presentInterpretationRow(i),
    returnReason: i.returnReason,
    confidentialityReview: review(i.confidentialityReview),
    policy: { id: d.policy._id.toHexString(), title: d.policy.title, status: d.policy.status, publishedAt: isoOrNull(d.policy.publishedAt) },
    body: i.body,
    qa: i.qa.map((q) => ({ question: q.question, answer: q.answer })),
    videoUrl: i.videoUrl,
    images: d.images.map(presentUpload),
    attachments: d.attachments.map(presentUpload),
    author: i.author,
    source: i.source,
    history: i.history.map(history),
  };
}

/** A row of `GET /api/admin/policies/interpretation-gaps`. */
export function presentGap(g: InterpretationGap, categories: ReadonlyMap<string, PolicyCategoryDoc>): InterpretationGapView {
  const p = g.policy;
  return {
    policy: {
      id: p._id.toHexString(),
      title: p.title,
      documentNumber: p.documentNumber,
      category: categoryRef(p.category, categories),
      departmentId: p.departmentId.toHexString(),
      departmentName: p.departmentName,
      publishedAt: iso(p.publishedAt as Date),
    },
    gap: g.gap,
    gapLabel: INTERPRETATION_GAP_LABELS[g.gap],
    deadline: presentDeadline(g.deadline),
    firstInterpretationAt: isoOrNull(g.firstInterpretationAt),
    overdue: g.overdue,
    workingDaysLate: g.workingDaysLate,
  };
}

/** `GET /api/categories`. */
export function presentPublicCategory(c: CategoryWithCounts) {
  return { key: c.category.key, name: c.category.name, description: c.category.description, publishedCount: c.publishedCount };
}

/** The back office's categories. */
export function presentAdminCategory(c: CategoryWithCounts): CategoryAdminView {
  const d = c.category;
  return {
    id: d._id.toHexString(),
    key: d.key,
    name: d.name,
    description: d.description,
    sortOrder: d.sortOrder,
    requiresDocumentNumber: d.requiresDocumentNumber,
    interpretationRequired: d.interpretationRequired,
    policyCount: c.policyCount,
    publishedCount: c.publishedCount,
    createdAt: iso(d.createdAt),
    updatedAt: iso(d.updatedAt),
  };
}
