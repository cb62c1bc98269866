/** Citizens as the mini-program and the back office see them: never the openid. */
import type { CitizenAdminView, CitizenView } from '../../../../shared/auth';
import type { UserDoc } from './user.model';

export function presentCitizen(user: UserDoc): CitizenView {
  return { id: user._id.toHexString(), createdAt: user.createdAt.toISOString() };
}

/** For admins: sign-in and block state. */
export function presentCitizenForAdmin(user: UserDoc): CitizenAdminView {
  return {
    id: user._id.toHexString(),
    createdAt: user.createdAt.toISOString(),
    lastLoginAt: user.lastLoginAt.toISOString(),
    blocked: Boolean(user.blockedAt),
    blockedAt: user.blockedAt ? user.blockedAt.toISOString() : null,
    blockedReason: user.blockedReason ?? null,
  };
}
