// RFC 4180 record splitter. body_json cells hold commas, quotes and sometimes newlines,
// so a line-based split is wrong; each record keeps the line it starts on for messages.

export interface CsvRecord {
  line: number;
  fields: string[];
  /** Set when the record cannot be split; fields are then unusable. */
  error?: string;
}

export function* csvRecords(text: string, maxRecordChars: number): Generator<CsvRecord> {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < text.length) {
    const start = i;
    const startLine = line;
    const fields: string[] = [];
    let field = '';
    let error: string | undefined;
    for (;;) {
      if (text[i] === '"') {
        i++;
        let closed = false;
        while (i < text.length) {
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (c === '\n') line++;
          field += c;
          i++;
        }
        if (!closed) {
          error = 'unterminated quoted field (a " opened here is never closed)';
          break;
        }
        if (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          error = `unexpected character ${JSON.stringify(text[i])} after a closing quote (quotes inside a field are written "")`;
        }
      }
      while (i < text.length && text[i] !== ',' && text[i] !== '\n') field += text[i++];
      fields.push(field.endsWith('\r') ? field.slice(0, -1) : field);
      field = '';
      if (i >= text.length || text[i] === '\n') break;
      i++;
    }
    if (text[i] === '\n') {
      i++;
      line++;
    }
    if (error === undefined && i - start > maxRecordChars) {
      error = `row is ${i - start} characters, over the limit of ${maxRecordChars}`;
    }
    const blank = fields.length === 1 && fields[0]!.trim() === '';
    if (blank && error === undefined) continue;
    yield error === undefined ? { line: startLine, fields } : { line: startLine, fields: [], error };
  }
}
