/**
 * Sign-in and tokens.
 *
 * Citizens sign in with a `wx.login` code exchanged through WeChat's jscode2session, or, in the
 * development dev-login mode only, with `dev:<name>` (a stable fake openid per name). Staff sign
 * in with username and password; failures are counted in the database per (username, client
 * address) with growing delays (login-throttle.ts, ADR 093), so every instance sees the same
 * count and an attacker elsewhere cannot lock the rightful user out. Every staff login,
 * successful or not, is audited.
 *
 * Tokens are HS256 JWTs (lib/jwt.ts). Both kinds carry the account's `tokenVersion` as `ver`;
 * {@link AuthService.resolveToken} refuses a token whose account is gone, inactive or whose
 * version moved on, which is how deactivation, password changes, sign-out everywhere and blocking
 * end sessions. A blocked citizen's token is refused with `user_blocked`.
 */
import { createHash } from 'node:crypto';
import type { CitizenLogin } from '../../../../shared/auth';
import type { StaffLogin, StaffPasswordChange } from '../../../../shared/staff';
import type { Actor, RequestOrigin, StaffActor } from '../../lib/actor';
import { AppError, tooManyRequests } from '../../lib/errors';
import { signToken, verifyToken } from '../../lib/jwt';
import { hashPassword, verifyPassword } from '../../lib/password';
import { WECHAT_ERRCODE, WechatApiError } from '../../lib/wechat';
import type { ServiceDeps } from '../../services';
import type { StaffDoc } from '../staff/staff.model';
import type { UserDoc } from '../user/user.model';
import { createLoginThrottle, isRefusal } from './login-throttle';

/** A signed token and when it expires. */
export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

/** A signed-in citizen. */
export interface CitizenSession extends IssuedToken {
  user: UserDoc;
}

/** A signed-in staff member. */
export interface StaffSession extends IssuedToken {
  staff: StaffDoc;
}

export interface AuthService {
  /** @throws invalid_code, user_blocked, rate_limited, wechat_unavailable */
  loginCitizen(actor: Actor, input: CitizenLogin): Promise<CitizenSession>;
  /**
   * Checks the password unless the (username, client address) pair must wait.
   * @throws invalid_credentials, rate_limited (with `retryAfter`: the pair's back-off)
   */
  loginStaff(actor: Actor, input: StaffLogin): Promise<StaffSession>;
  /** Changes the actor's own password and returns a new session (older tokens stop working). @throws wrong_password */
  changeOwnPassword(actor: StaffActor, input: StaffPasswordChange): Promise<StaffSession>;
  /** The current account of a staff actor (for `GET /api/admin/auth/me`). */
  currentStaff(actor: StaffActor): Promise<StaffDoc>;
  /**
   * The actor a bearer token stands for, or null when the token is bad, expired or revoked.
   * @throws user_blocked when it is the valid token of a blocked citizen
   */
  resolveToken(token: string, origin: RequestOrigin): Promise<Actor | null>;
  issueCitizenToken(user: Pick<UserDoc, '_id' | 'tokenVersion'>): IssuedToken;
  issueStaffToken(staff: Pick<StaffDoc, '_id' | 'role' | 'tokenVersion'>): IssuedToken;
  /** Forgets failed logins of a username from every address (admin unlock, password reset); returns how many records. */
  clearLoginFailures(username: string): Promise<number>;
  /** Deletes throttle records that no longer matter; returns how many. */
  sweepExpired(): Promise<number>;
}

/** The openid a dev-login name maps to: stable, and visibly not a WeChat openid. */
export function devOpenid(name: string): string {
  return `dev_${createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 24)}`;
}

const DEV_CODE_PREFIX = 'dev:';
/** What WeChat asks: retry in the next minute. */
const WECHAT_RATE_LIMIT_RETRY_SECONDS = 60;

export function createAuthService({ models, config, clock, logger, wechat, services }: ServiceDeps): AuthService {
  const nowSeconds = () => Math.floor(clock() / 1000);
  // Compared against when the username does not exist, so both cases take the same time.
  let dummyHash: Promise<string> | undefined;

  const issue = (claims: Parameters<typeof signToken>[1], ttlSeconds: number): IssuedToken => {
    const iat = nowSeconds();
    return { token: signToken(config.jwtSecret, claims, ttlSeconds, iat), expiresAt: new Date((iat + ttlSeconds) * 1000) };
  };

  const issueStaffToken = (staff: Pick<StaffDoc, '_id' | 'role' | 'tokenVersion'>) =>
    issue({ sub: staff._id.toHexString(), kind: 'staff', role: staff.role, ver: staff.tokenVersion }, config.tokens.staffTtlSeconds);
  const issueCitizenToken = (user: Pick<UserDoc, '_id' | 'tokenVersion'>) =>
    issue({ sub: user._id.toHexString(), kind: 'citizen', ver: user.tokenVersion ?? 0 }, config.tokens.citizenTtlSeconds);

  const openidFor = async (code: string): Promise<{ openid: string; unionid?: string }> => {
    if (code.startsWith(DEV_CODE_PREFIX) && config.wechat.devLogin && config.env !== 'production') {
      const name = code.slice(DEV_CODE_PREFIX.length).trim();
      if (name === '') throw new AppError('invalid_code');
      return { openid: devOpenid(name) };
    }
    if (!wechat) {
      if (config.wechat.devLogin) throw new AppError('invalid_code', { details: { hint: 'dev login mode: use dev:<name>' } });
      throw new AppError('wechat_unavailable');
    }
    try {
      const session = await wechat.code2Session(code);
      return session.unionid === undefined ? { openid: session.openid } : { openid: session.openid, unionid: session.unionid };
    } catch (err) {
      if (!(err instanceof WechatApiError)) throw err;
      logger.warn({ errcode: err.errcode, api: err.api }, 'WeChat login failed');
      switch (err.errcode) {
        case WECHAT_ERRCODE.invalidCode:
        case WECHAT_ERRCODE.codeUsed:
          throw new AppError('invalid_code', { cause: err });
        case WECHAT_ERRCODE.rateLimited:
          throw tooManyRequests(WECHAT_RATE_LIMIT_RETRY_SECONDS);
        case WECHAT_ERRCODE.blockedUser:
          throw new AppError('user_blocked', { cause: err });
        default:
          throw new AppError('wechat_unavailable', { cause: err });
      }
    }
  };

  const throttle = createLoginThrottle(models.LoginThrottle, config.login, clock);

  return {
    async loginCitizen(_actor, input) {
      const { openid, unionid } = await openidFor(input.code);
      const user = await services.users.upsertByOpenid(openid, unionid);
      // Blocked by an admin (WeChat's own block is 40226 above): same code, same screen.
      if (user.blockedAt) throw new AppError('user_blocked');
      return { ...issueCitizenToken(user), user };
    },

    async loginStaff(actor, input) {
      const username = input.username;
      /** Audits the failure; `retryAfter` > 0 means the address must wait that long now. */
      const failure = async (reason: string, retryAfter = 0) => {
        const details: Record<string, unknown> = { username, reason };
        if (retryAfter > 0) details.retryAfter = retryAfter;
        await services.audit.recordAudit({ actor, action: 'staff.login_failed', targetType: 'staff', details });
        return retryAfter > 0 ? tooManyRequests(retryAfter) : new AppError('invalid_credentials');
      };

      // The slot is taken before the (deliberately slow) password check, so concurrent attempts
      // cannot run more checks than allowed.
      const reservation = await throttle.reserve(username, actor.ip);
      if (isRefusal(reservation)) throw await failure('throttled', reservation.retryAfter);

      let staff: StaffDoc | null;
      let passwordOk: boolean;
      try {
        staff = await services.staff.findStaffByUsername(username);
        dummyHash ??= hashPassword('timing-equaliser');
        passwordOk = await verifyPassword(input.password, staff?.passwordHash ?? (await dummyHash));
      } catch (err) {
        await throttle.release(reservation);
        throw err;
      }
      if (!staff || !passwordOk || !staff.active) {
        const reason = !staff ? 'unknown_username' : !passwordOk ? 'wrong_password' : 'inactive';
        throw await failure(reason, await throttle.failed(reservation));
      }

      await throttle.succeeded(reservation);
      const current = (await services.staff.touchLastLogin(staff._id)) ?? staff;
      await services.audit.recordAudit({
        actor: {
          kind: 'staff',
          staffId: current._id.toHexString(),
          username: current.username,
          role: current.role,
          departmentId: current.departmentId?.toHexString() ?? null,
          ip: actor.ip,
          requestId: actor.requestId,
        },
        action: 'staff.login',
        targetType: 'staff',
        targetId: current._id,
      });
      return { ...issueStaffToken(current), staff: current };
    },

    async changeOwnPassword(actor, input) {
      const staff = await services.staff.findStaffById(actor.staffId);
      if (!staff) throw new AppError('unauthorized');
      if (!(await verifyPassword(input.currentPassword, staff.passwordHash))) {
        await services.audit.recordAudit({ actor, action: 'staff.change_password_failed', targetType: 'staff', targetId: staff._id });
        throw new AppError('wrong_password');
      }
      const updated = await services.staff.setPassword(staff._id, input.newPassword);
      await services.audit.recordAudit({ actor, action: 'staff.change_password', targetType: 'staff', targetId: staff._id });
      return { ...issueStaffToken(updated), staff: updated };
    },

    async currentStaff(actor) {
      const staff = await services.staff.findStaffById(actor.staffId);
      if (!staff) throw new AppError('unauthorized');
      return staff;
    },

    async resolveToken(token, origin) {
      const result = verifyToken(config.jwtSecret, token, nowSeconds());
      if (!result.ok) return null;
      const { claims } = result;
      if (claims.kind === 'citizen') {
        const state = await services.users.sessionState(claims.sub);
        if (!state) return null;
        // Before the version check (blocking bumps it): a blocked citizen learns why.
        if (state.blocked) throw new AppError('user_blocked');
        if (state.tokenVersion !== (claims.ver ?? 0)) return null;
        return { kind: 'citizen', userId: claims.sub, ...origin };
      }
      const staff = await services.staff.findStaffById(claims.sub);
      if (!staff || !staff.active || staff.tokenVersion !== claims.ver) return null;
      return {
        kind: 'staff',
        staffId: staff._id.toHexString(),
        username: staff.username,
        role: staff.role,
        departmentId: staff.departmentId?.toHexString() ?? null,
        ...origin,
      };
    },

    issueCitizenToken,
    issueStaffToken,

    async clearLoginFailures(username) {
      return throttle.clear(username);
    },

    async sweepExpired() {
      return throttle.sweepExpired();
    },
  };
}
