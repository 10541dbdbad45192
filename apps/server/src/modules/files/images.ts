import sharp, { type Sharp } from 'sharp';
import type { FileType } from '@parley/protocol';

export interface StrippedImage {
  data: Buffer;
  type: FileType;
  width: number;
  height: number;
  thumb: Buffer;
}

export class UnreadableImageError extends Error {
  constructor() {
    super('image could not be decoded');
    this.name = 'UnreadableImageError';
  }
}

// Decompression bombs: a small file that decodes to a huge canvas.
const MAX_PIXELS = 40_000_000;
export const THUMB_SIZE = 320;

/**
 * Re-encodes an image from its decoded pixels (sharp runs on libuv's thread
 * pool, off the event loop): EXIF, GPS, XMP, ICC comments and device serials
 * are not copied, anything appended to or hidden in the file is gone, and the
 * original bytes are discarded by the caller. Orientation is applied first so
 * dropping EXIF does not turn the photo. GIF and SVG become PNG (first frame;
 * an SVG is rasterised, so no markup is ever served).
 */
export async function stripImage(data: Buffer, type: FileType): Promise<StrippedImage> {
  try {
    const input = sharp(data, {
      failOn: 'error',
      limitInputPixels: MAX_PIXELS,
      animated: false,
    }).rotate();
    let out: Sharp;
    let outType: FileType;
    if (type === 'image/jpeg') {
      out = input.jpeg({ quality: 88, mozjpeg: false });
      outType = 'image/jpeg';
    } else if (type === 'image/webp') {
      out = input.webp({ quality: 88 });
      outType = 'image/webp';
    } else {
      out = input.png();
      outType = 'image/png';
    }
    const { data: clean, info } = await out.toBuffer({ resolveWithObject: true });
    const thumb = await sharp(clean)
      .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer();
    return { data: clean, type: outType, width: info.width, height: info.height, thumb };
  } catch {
    throw new UnreadableImageError();
  }
}
