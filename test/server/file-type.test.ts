import { sniffFileType } from '../../server/src/lib/file-type';

const bytes = (...parts: Array<number[] | string>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

describe('upload type sniffing', () => {
  it('recognises PNG, JPEG, GIF, WebP and PDF by their magic bytes', () => {
    expect(sniffFileType(bytes([0x89], 'PNG\r\n\x1a\n', [0, 0, 0, 13]))?.mime).toBe('image/png');
    expect(sniffFileType(bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16]))?.mime).toBe('image/jpeg');
    expect(sniffFileType(bytes('GIF89a', [1, 0]))?.mime).toBe('image/gif');
    expect(sniffFileType(bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 '))?.mime).toBe('image/webp');
    expect(sniffFileType(bytes('%PDF-1.7\n'))?.mime).toBe('application/pdf');
  });

  it('refuses other content whatever it claims to be', () => {
    expect(sniffFileType(bytes('MZ', [0x90, 0]))).toBeNull(); // a Windows executable
    expect(sniffFileType(bytes('<svg xmlns="http://www.w3.org/2000/svg">'))).toBeNull();
    expect(sniffFileType(bytes('RIFF', [0, 0, 0, 0], 'WAVE'))).toBeNull();
    expect(sniffFileType(new Uint8Array())).toBeNull();
  });
});
