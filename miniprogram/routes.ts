/**
 * Page paths in one place. Subpackage roots (`packages/<feature>`) are declared in app.config.ts;
 * keep both in step.
 */
const q = (id: string) => `?id=${encodeURIComponent(id)}`;

/** Tab pages (switched with `Taro.switchTab`). */
export const TAB_PAGES = {
  home: '/pages/index/index',
  policies: '/pages/policies/index',
  interact: '/pages/interact/index',
  mine: '/pages/mine/index',
} as const;

/** Every other page, by what it shows. */
export const PAGES = {
  inbox: '/pages/inbox/index',
  privacy: '/pages/privacy/index',
  policyDetail: (id: string) => `/packages/policy/pages/detail/index${q(id)}`,
  letterWrite: '/packages/mailbox/pages/write/index',
  letterSubmitted: (id: string) => `/packages/mailbox/pages/submitted/index${q(id)}`,
  myLetters: '/packages/mailbox/pages/mine/index',
  letterDetail: (id: string) => `/packages/mailbox/pages/detail/index${q(id)}`,
  publicLetters: '/packages/mailbox/pages/public/index',
  publicLetterDetail: (id: string) => `/packages/mailbox/pages/public-detail/index${q(id)}`,
  consultations: '/packages/consultation/pages/list/index',
  consultationDetail: (id: string) => `/packages/consultation/pages/detail/index${q(id)}`,
  consultationResults: (id: string) => `/packages/consultation/pages/results/index${q(id)}`,
  consultationFeedback: (id: string) => `/packages/consultation/pages/feedback/index${q(id)}`,
  myResponses: '/packages/consultation/pages/mine/index',
  errorReportWrite: '/packages/error-report/pages/write/index',
  myErrorReports: '/packages/error-report/pages/mine/index',
  /** `submitted`: opened right after the report was sent (the page then confirms it). */
  errorReportDetail: (id: string, opts?: { submitted?: boolean }) =>
    `/packages/error-report/pages/detail/index${q(id)}${opts?.submitted ? '&submitted=1' : ''}`,
} as const;

/** The page an inbox entry opens, by its link type (`shared/notifications.ts` InboxLinkSchema). */
export function pageForLink(link: { type: string; id: string } | null): string | null {
  if (!link) return null;
  switch (link.type) {
    case 'letter':
      return PAGES.letterDetail(link.id);
    case 'error_report':
      return PAGES.errorReportDetail(link.id);
    case 'consultation':
      return PAGES.consultationFeedback(link.id);
    default:
      return null;
  }
}
