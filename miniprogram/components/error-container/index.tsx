/**
 * The one place a failed load is shown. By the error's code (see ./present.ts): the login prompt,
 * a full-page error with 重试, or — when the page already shows data — a toast over it. Pages wrap
 * their content: `<ErrorContainer loading error onRetry hasData>{…}</ErrorContainer>`.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { Text, View } from '@tarojs/components';
import { Button, Loading } from '@nutui/nutui-react-taro';
import { DEV_LOGIN, signIn, toApiError, type ApiError } from '../../api/request';
import { isRetryable, presentationOf, toastError } from './present';
import './index.scss';

export interface ErrorContainerProps {
  /** The first load is under way. */
  loading: boolean;
  /** The last load's failure, or null. */
  error: ApiError | null;
  /** Loads again (after a retry tap, or after signing in). */
  onRetry: () => void;
  /** The page already shows data: a failed refresh then only toasts. */
  hasData?: boolean;
  /** Shown while loading instead of the spinner. */
  placeholder?: ReactNode;
  children?: ReactNode;
}

/** Wraps a page's content with its loading, error and login states. */
export function ErrorContainer({ loading, error, onRetry, hasData = false, placeholder, children }: ErrorContainerProps) {
  const presentation = error ? presentationOf(error.code) : null;
  const toastOnly = error !== null && hasData && presentation !== 'login';

  useEffect(() => {
    if (error && toastOnly) toastError(error);
  }, [error, toastOnly]);

  if (loading && !hasData) {
    return (
      <View className='ec-loading' role='status' aria-live='polite'>
        {placeholder ?? <Loading direction='vertical'>加载中…</Loading>}
      </View>
    );
  }
  if (error && !toastOnly) {
    if (presentation === 'login') return <LoginPrompt onSignedIn={onRetry} />;
    return <FullPageError error={error} onRetry={onRetry} />;
  }
  return <>{children}</>;
}

/** A full-page error: what happened and, when it can help, 重试. */
export function FullPageError({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  return (
    <View className='ec-page' role='alert'>
      <Text className='ec-page__icon' aria-hidden>!</Text>
      <Text className='ec-page__message'>{error.message}</Text>
      {onRetry && isRetryable(error.code) ? (
        <Button className='ec-page__button' type='primary' onClick={onRetry}>
          重试
        </Button>
      ) : null}
    </View>
  );
}

/** Asks the citizen to sign in, then reloads. */
export function LoginPrompt({ onSignedIn, text = '登录后才能查看此内容' }: { onSignedIn: () => void; text?: string }) {
  const [busy, setBusy] = useState(false);
  const login = async () => {
    setBusy(true);
    try {
      await signIn();
      onSignedIn();
    } catch (e) {
      toastError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <View className='ec-page ec-login' role='alert'>
      <Text className='ec-page__message'>{text}</Text>
      <Button className='ec-page__button' type='primary' loading={busy} disabled={busy} onClick={() => void login()}>
        {process.env.TARO_ENV === 'weapp' ? '微信一键登录' : DEV_LOGIN ? '登录（测试账号）' : '登录'}
      </Button>
    </View>
  );
}
