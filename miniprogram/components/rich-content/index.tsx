/**
 * Sanitized rich text from the BFF (policy bodies, interpretations, consultation drafts) shown
 * with `RichText`. The server already allows only safe tags; here `/api/uploads/<id>` images get
 * the API's origin (WeChat cannot load relative URLs) and images are kept within the screen.
 */
import { RichText, View } from '@tarojs/components';
import { apiUrl } from '../../api/request';
import './index.scss';

/** The HTML with upload links made absolute and images sized to the screen. */
export function prepareRichText(html: string): string {
  return html
    .replace(/(<img\b[^>]*?\ssrc=")(\/api\/uploads\/[0-9a-fA-F]{24})"/g, (_m, head: string, path: string) => `${head}${apiUrl(path)}"`)
    .replace(/(<a\b[^>]*?\shref=")(\/api\/uploads\/[0-9a-fA-F]{24})"/g, (_m, head: string, path: string) => `${head}${apiUrl(path)}"`)
    .replace(/<img\b/g, '<img style="max-width:100%;height:auto;display:block;margin:8px 0"')
    .replace(/<table\b/g, '<table style="width:100%;border-collapse:collapse"');
}

/** Renders sanitized HTML. */
export function RichContent({ html }: { html: string }) {
  return (
    <View className='rc'>
      <RichText nodes={prepareRichText(html)} />
    </View>
  );
}
