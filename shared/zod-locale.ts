/**
 * Chinese validation messages for every zod schema, for both the BFF and the mini-program. Field
 * schemas in shared/ carry their own messages (`请填写标题`); this fills in the rest (a missing
 * field, a wrong type) so no English message ever reaches a citizen. Call once at start-up.
 */
import { z } from 'zod';

let configured = false;

/** Installs zod's zh-CN messages plus shorter wording for the commonest cases. Idempotent. */
export function installChineseZodMessages(): void {
  if (configured) return;
  configured = true;
  z.config(z.locales.zhCN());
  z.config({
    customError: (issue) => {
      if (issue.code === 'invalid_type' && issue.input === undefined) return '此项为必填项';
      if (issue.code === 'unrecognized_keys') return `不支持的字段：${issue.keys.join('、')}`;
      if (issue.code === 'too_small' && issue.origin === 'string') return `至少${String(issue.minimum)}个字`;
      if (issue.code === 'too_big' && issue.origin === 'string') return `最多${String(issue.maximum)}个字`;
      if (issue.code === 'too_small' && issue.origin === 'array') return `至少${String(issue.minimum)}项`;
      if (issue.code === 'too_big' && issue.origin === 'array') return `最多${String(issue.maximum)}项`;
      if (issue.code === 'too_small' && issue.origin === 'number') return `不能小于${String(issue.minimum)}`;
      if (issue.code === 'too_big' && issue.origin === 'number') return `不能大于${String(issue.maximum)}`;
      // Anything else: fall through to the locale's message.
      return undefined;
    },
  });
}
