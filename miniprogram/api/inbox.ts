/** 消息: the citizen's in-app inbox (schemas from `shared/notifications.ts`). */
import { InboxItemSchema, InboxPageSchema, InboxReadAllResponseSchema, type InboxItem, type InboxPage, type InboxReadAllResponse } from '@shared/notifications';
import { request } from './request';

/** My inbox, newest first, with the unread count. */
export function fetchInbox(cursor?: string): Promise<InboxPage> {
  return request({ path: '/api/inbox', query: { cursor }, auth: 'required', schema: InboxPageSchema });
}

/** Marks one entry read. */
export function markInboxRead(id: string): Promise<InboxItem> {
  return request({ method: 'POST', path: `/api/inbox/${encodeURIComponent(id)}/read`, auth: 'required', schema: InboxItemSchema });
}

/** Marks every entry read. */
export function markAllInboxRead(): Promise<InboxReadAllResponse> {
  return request({ method: 'POST', path: '/api/inbox/read-all', auth: 'required', schema: InboxReadAllResponseSchema });
}
