/** The signed-in staff member for every page, and sign-in / sign-out. */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { clearSession, readSession, saveSession, type StaffSession } from './api/session';

interface SessionState {
  session: StaffSession | null;
  signIn(session: StaffSession, remember: boolean): void;
  signOut(): void;
}

const SessionContext = createContext<SessionState | null>(null);

/** Provides the session read from storage at start. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<StaffSession | null>(() => readSession());
  const signIn = useCallback((next: StaffSession, remember: boolean) => {
    saveSession(next, remember);
    setSession(next);
  }, []);
  // A full reload to the sign-in page: nothing of this user's cached data survives for the next.
  const signOut = useCallback(() => {
    clearSession();
    window.location.assign('/admin/login');
  }, []);
  const value = useMemo(() => ({ session, signIn, signOut }), [session, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The session state; only inside {@link SessionProvider}. */
export function useSession(): SessionState {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
