/**
 * The submit tap of a form that creates something for the citizen (a letter, a 找错 report), in
 * the order WeChat and the law require:
 * 1. judge the form with the shared schema; show every error under its field and scroll to the first;
 * 2. ask for subscribe messages synchronously inside the tap (WeChat refuses them after an await);
 * 3. ask for consent to the 隐私保护指引 when the form holds personal data;
 * 4. send with one Idempotency-Key per form shown, so a retry after a lost answer or a silent
 *    re-login returns the same record instead of a second one;
 * 5. on failure, show the server's field errors under the fields, or report the error by code.
 * A second tap while one is under way does nothing (a ref, set in the tap before any re-render).
 */
import { useRef, useState } from 'react';
import Taro from '@tarojs/taro';
import type { KnownSubscribeTemplateKey } from '@shared/notifications';
import { newIdempotencyKey } from '../utils/format';
import { handleSubmitFailure, scrollToFirstError, type FieldErrors } from '../utils/form-errors';
import { ensurePrivacyConsent } from '../utils/privacy';
import { requestSubscriptions } from '../utils/subscribe';

export interface SubmissionOptions<D> {
  /** The form judged now: its data when valid, and its field errors (empty when valid). */
  check: () => { errors: FieldErrors; data: D | null };
  /** Shows field errors (also marks the form as tried, so errors follow the input afterwards). */
  showErrors: (errors: FieldErrors) => void;
  /** Fields top to bottom, to scroll to the first with an error. */
  order: readonly string[];
  /** Subscribe-message templates to ask for in the tap (WeChat only). */
  subscribe: KnownSubscribeTemplateKey[];
  /** Whether the data holds personal data (contacts, images): consent is asked first. */
  personal: (data: D) => boolean;
  /** When set (uploads still running), the tap only shows this message. */
  waitMessage: string | null;
  /** Sends the data; navigates on success. */
  send: (data: D, idempotencyKey: string) => Promise<void>;
}

/** `submit` for the button's tap, `submitting` for its loading state. */
export function useSubmission<D>(options: SubmissionOptions<D>): { submit: () => void; submitting: boolean } {
  const [submitting, setSubmitting] = useState(false);
  const inFlight = useRef(false);
  const idempotencyKey = useRef(newIdempotencyKey());

  const run = async (data: D, waitForSubscribe: Promise<void>): Promise<void> => {
    setSubmitting(true);
    try {
      await waitForSubscribe;
      if (options.personal(data) && !(await ensurePrivacyConsent())) {
        void Taro.showToast({ title: '需同意隐私保护指引后提交', icon: 'none' });
        return;
      }
      await options.send(data, idempotencyKey.current);
    } catch (e) {
      if (await handleSubmitFailure(e, { showErrors: options.showErrors, order: options.order })) {
        // Signed in just now: send again (the same key keeps it one record).
        await run(data, Promise.resolve());
      }
    } finally {
      setSubmitting(false);
    }
  };

  const submit = () => {
    if (inFlight.current) return;
    if (options.waitMessage) {
      void Taro.showToast({ title: options.waitMessage, icon: 'none' });
      return;
    }
    const { errors, data } = options.check();
    options.showErrors(errors);
    if (!data) {
      scrollToFirstError(errors, options.order);
      return;
    }
    // Synchronously inside the tap: WeChat refuses the subscribe dialog after an await.
    const subscribed = requestSubscriptions(options.subscribe);
    inFlight.current = true;
    void run(data, subscribed).finally(() => {
      inFlight.current = false;
    });
  };

  return { submit, submitting };
}
