/**
 * Attachments of a policy, interpretation, consultation, letter or error report. Files are
 * downloaded with the citizen's token first (a letter's attachments are readable only by its
 * writer and the staff handling it; `previewImage` and `openDocument` cannot send a header):
 * images then open in the image preview, PDFs with the system viewer in WeChat or in a new tab in
 * H5. Downloads are kept while the list is shown, so a second tap opens at once.
 */
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { ApiError, toApiError } from '../../api/request';
import { usePrivateFileLoader, type PrivateFileAuth } from '../../hooks/use-private-file';
import { toastError } from '../error-container/present';
import { formatFileSize } from '../../utils/format';
import { showModal } from '../../utils/modal';
import './index.scss';

/** What the list needs of an attachment (UploadView and its feature variants); files are fetched by id. */
export interface AttachmentItem {
  id: string;
  filename: string;
  contentType: string;
  size: number;
}

export interface AttachmentListProps {
  title?: string;
  items: readonly AttachmentItem[];
  /**
   * `required` for a citizen's own case (signs in first when needed); `optional` for published
   * content, which anyone may open, signed in or not.
   */
  auth?: PrivateFileAuth;
}

function isImage(item: AttachmentItem): boolean {
  return item.contentType.startsWith('image/');
}

/** A titled list of attachments; nothing when there are none. */
export function AttachmentList({ title = '附件', items, auth = 'optional' }: AttachmentListProps) {
  const files = usePrivateFileLoader(auth);

  const previewImages = async (item: AttachmentItem) => {
    const images = items.filter(isImage);
    Taro.showLoading({ title: '正在加载…' });
    let loaded: Array<{ id: string; path: string | null; error: ApiError | null }>;
    try {
      // All of them, so the preview can swipe through; one failing image leaves the others viewable.
      loaded = await Promise.all(
        images.map((a) =>
          files.load(a.id).then(
            (path) => ({ id: a.id, path, error: null }),
            (e: unknown) => ({ id: a.id, path: null, error: toApiError(e) }),
          ),
        ),
      );
    } finally {
      Taro.hideLoading();
    }
    const tapped = loaded.find((l) => l.id === item.id);
    if (!tapped?.path) {
      toastError(tapped?.error ?? new ApiError('internal_error'));
      return;
    }
    const urls = loaded.flatMap((l) => (l.path ? [l.path] : []));
    await Taro.previewImage({ current: tapped.path, urls });
  };

  const openPdf = async (item: AttachmentItem) => {
    if (process.env.TARO_ENV === 'h5') {
      // A tab opened after an await counts as a pop-up and is blocked: open it now, fill it later.
      const ready = files.peek(item.id);
      const tab = window.open(ready ?? '', '_blank');
      // The PDF needs no way back to this page ('noopener' would also hide the tab from us).
      if (tab) tab.opener = null;
      if (ready) return;
      try {
        const path = await files.load(item.id);
        if (tab) tab.location.href = path;
        else if (!window.open(path, '_blank')) {
          void showModal({ title: '提示', content: '浏览器阻止了新窗口，请允许弹出窗口后重试', showCancel: false, confirmText: '知道了' });
        }
      } catch (e) {
        tab?.close();
        toastError(toApiError(e));
      }
      return;
    }
    Taro.showLoading({ title: '正在打开…' });
    try {
      const path = await files.load(item.id);
      await Taro.openDocument({ filePath: path, fileType: 'pdf', showMenu: true });
    } catch (e) {
      toastError(toApiError(e));
    } finally {
      Taro.hideLoading();
    }
  };

  if (items.length === 0) return null;
  return (
    <View className='al'>
      <Text className='al__title'>{title}</Text>
      {items.map((a) => (
        <View key={a.id} className='al__item' role='link' data-upload-id={a.id} onClick={() => void (isImage(a) ? previewImages(a) : openPdf(a))}>
          <Text className='al__kind'>{a.contentType === 'application/pdf' ? 'PDF' : '图片'}</Text>
          <Text className='al__name'>{a.filename}</Text>
          <Text className='al__size'>{formatFileSize(a.size)}</Text>
        </View>
      ))}
    </View>
  );
}
