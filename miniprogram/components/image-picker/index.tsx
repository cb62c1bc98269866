/**
 * Screenshots / image attachments of a form: choose from the album or the camera, upload each one
 * at once (`POST /api/uploads`, field `file`) and keep the returned ids for the form's request.
 * Choosing images is a privacy-sensitive API: consent to the 隐私保护指引 is asked first.
 * Thumbnails and the preview use copies downloaded with the token: the server shows an
 * unattached upload only to its uploader.
 */
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { UPLOAD_DEFAULT_MAX_BYTES, type UploadView } from '@shared/uploads';
import { ApiError, uploadFile } from '../../api/request';
import { usePrivateFileLoader } from '../../hooks/use-private-file';
import { reportActionError, toastError } from '../error-container/present';
import { PrivateImage } from '../private-image';
import { ensurePrivacyConsent } from '../../utils/privacy';
import './index.scss';

export interface ImagePickerProps {
  /** Uploaded files, in the order chosen. */
  value: readonly UploadView[];
  onChange: (files: UploadView[]) => void;
  max: number;
  /** Label of the add tile, e.g. 添加截图. */
  addLabel?: string;
  /** Reports upload activity so the form can wait before sending. */
  onBusyChange?: (busy: boolean) => void;
}

/** Thumbnails with remove buttons and an add tile. */
export function ImagePicker({ value, onChange, max, addLabel = '添加图片', onBusyChange }: ImagePickerProps) {
  const [uploading, setUploading] = useState(0);
  const files = usePrivateFileLoader('required');

  const setBusy = (n: number) => {
    setUploading(n);
    onBusyChange?.(n > 0);
  };

  const choose = async () => {
    if (!(await ensurePrivacyConsent())) return;
    let picked: Taro.chooseImage.SuccessCallbackResult;
    try {
      picked = await Taro.chooseImage({ count: max - value.length, sizeType: ['compressed'], sourceType: ['album', 'camera'] });
    } catch {
      // Cancelled by the citizen: nothing to do.
      return;
    }
    const files = picked.tempFiles.slice(0, max - value.length);
    const tooBig = files.filter((f) => f.size > UPLOAD_DEFAULT_MAX_BYTES);
    if (tooBig.length > 0) toastError(new ApiError('payload_too_large'));
    const toSend = files.filter((f) => f.size <= UPLOAD_DEFAULT_MAX_BYTES);
    if (toSend.length === 0) return;
    setBusy(toSend.length);
    const done: UploadView[] = [];
    for (const f of toSend) {
      try {
        done.push(await uploadFile(f.path));
      } catch (e) {
        await reportActionError(e);
        break;
      }
    }
    setBusy(0);
    if (done.length > 0) onChange([...value, ...done]);
  };

  const remove = (id: string) => onChange(value.filter((f) => f.id !== id));

  /** Opens the preview on `current`; the other images are already downloaded for their thumbnails. */
  const preview = async (current: string) => {
    const paths = await Promise.all(value.map((f) => files.load(f.id).catch(() => null)));
    const urls = paths.filter((p): p is string => p !== null);
    void Taro.previewImage({ current, urls: urls.includes(current) ? urls : [current, ...urls] });
  };

  return (
    <View className='ip'>
      {value.map((f, i) => (
        <View key={f.id} className='ip__item' data-upload-id={f.id}>
          <PrivateImage id={f.id} className='ip__thumb' label={`第${i + 1}张图片`} onOpen={(path) => void preview(path)} />
          <View className='ip__remove' role='button' aria-label={`删除第${i + 1}张图片`} onClick={() => remove(f.id)}>
            <Text>×</Text>
          </View>
        </View>
      ))}
      {uploading > 0 ? (
        <View className='ip__item ip__item--busy' role='status'>
          <Text>上传中…</Text>
        </View>
      ) : null}
      {value.length + uploading < max ? (
        <View className='ip__item ip__add' role='button' aria-label={addLabel} onClick={() => void choose()}>
          <Text className='ip__plus'>+</Text>
          <Text className='ip__add-label'>{addLabel}</Text>
        </View>
      ) : null}
    </View>
  );
}
