/**
 * An uploaded image that only signed-in people may see (a letter attachment, a screenshot): shown
 * from the local copy downloaded with the bearer token (hooks/use-private-file.ts), with a
 * placeholder while it loads and 重新加载 when it fails, never a broken image.
 */
import { useState } from 'react';
import { Image, Text, View } from '@tarojs/components';
import { usePrivateFileUrl, type PrivateFileAuth } from '../../hooks/use-private-file';
import './index.scss';

export interface PrivateImageProps {
  /** Upload id. */
  id: string;
  auth?: PrivateFileAuth;
  /** Sizes the image and its placeholders alike. */
  className?: string;
  mode?: 'aspectFill' | 'aspectFit' | 'widthFix';
  /** Accessible name, e.g. 第1张图片. */
  label: string;
  /** Tapped once shown, with the local path (for previewImage). */
  onOpen?: (path: string) => void;
}

/** The image, or its loading / failed placeholder. */
export function PrivateImage({ id, auth = 'required', className = '', mode = 'aspectFill', label, onOpen }: PrivateImageProps) {
  const file = usePrivateFileUrl(id, auth);
  // The bytes arrived but do not decode (or the local copy went away): offer a reload too. Kept
  // as the path that failed, so a new path (another id, a reload) is not broken.
  const [brokenPath, setBrokenPath] = useState<string | null>(null);
  const broken = brokenPath !== null && brokenPath === file.path;

  if (file.error || broken) {
    return (
      <View className={`pimg pimg--failed ${className}`} role='alert' data-upload-state='failed'>
        <Text className='pimg__message'>{file.error?.code === 'not_found' ? '图片不存在' : '图片加载失败'}</Text>
        <View
          className='pimg__reload'
          role='button'
          aria-label={`重新加载${label}`}
          onClick={(e) => {
            // The placeholder may sit on a tappable tile: reload only.
            e.stopPropagation();
            setBrokenPath(null);
            file.reload();
          }}
        >
          <Text>重新加载</Text>
        </View>
      </View>
    );
  }
  if (!file.path) {
    return (
      <View className={`pimg pimg--loading ${className}`} role='status' aria-label={`${label}加载中`} data-upload-state='loading'>
        <Text className='pimg__message'>加载中…</Text>
      </View>
    );
  }
  const path = file.path;
  return (
    <Image
      className={`pimg__image ${className}`}
      src={path}
      mode={mode}
      aria-label={label}
      data-upload-state='ready'
      onError={() => setBrokenPath(path)}
      onClick={() => onOpen?.(path)}
    />
  );
}
