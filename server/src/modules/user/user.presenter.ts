/** Citizens as the mini-program sees them: never the openid. */
import type { CitizenView } from '../../../../shared/auth';
import type { UserDoc } from './user.model';

export function presentCitizen(user: UserDoc): CitizenView {
  return { id: user._id.toHexString(), createdAt: user.createdAt.toISOString() };
}
