// multipart/form-data decoding (RFC 7578) for a body that is already in memory.
import { HttpError } from '../../protocol/http/http-error.ts';

export interface FormPart {
  name: string;
  filename?: string;
  data: Buffer;
}

export function boundaryOf(contentType: string | undefined): string {
  const match = contentType?.match(/^multipart\/form-data\s*;.*boundary=(?:"([^"]+)"|([^;\s]+))/i);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw new HttpError(415, `expected Content-Type multipart/form-data with a boundary, got '${contentType ?? ''}'`);
  return boundary;
}

export function parseMultipart(body: Buffer, boundary: string): Map<string, FormPart> {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts = new Map<string, FormPart>();
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new HttpError(400, 'multipart body has no boundary delimiter');
  for (;;) {
    pos += delimiter.length;
    if (body.subarray(pos, pos + 2).toString() === '--') return parts;
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) throw new HttpError(400, 'multipart part has no header terminator');
    const headers = body.subarray(pos, headerEnd).toString('latin1');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next < 0) throw new HttpError(400, 'multipart body is truncated (no closing boundary)');
    const disposition = headers.match(/content-disposition:\s*form-data;([^\r\n]*)/i)?.[1] ?? '';
    const name = disposition.match(/\bname="([^"]*)"/)?.[1];
    if (name === undefined) throw new HttpError(400, `multipart part without a form-data name: ${headers.trim()}`);
    if (parts.has(name)) throw new HttpError(400, `multipart field '${name}' appears twice`);
    const filename = disposition.match(/\bfilename="([^"]*)"/)?.[1];
    parts.set(name, { name, ...(filename === undefined ? {} : { filename }), data: body.subarray(headerEnd + 4, next) });
    pos = next + 2;
  }
}
