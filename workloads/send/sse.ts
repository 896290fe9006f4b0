// Incremental Server-Sent Events reader: network chunks split events anywhere, so a
// partial line waits for the next chunk. Only `data:` fields matter to OpenAI streams.

export class SseLines {
  private partial = '';

  /** The data payloads completed by this chunk, in order. */
  push(chunk: string): string[] {
    const text = this.partial + chunk;
    const lines = text.split('\n');
    this.partial = lines.pop()!;
    const data: string[] = [];
    for (const raw of lines) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line.startsWith('data:')) data.push(line.slice(line[5] === ' ' ? 6 : 5));
    }
    return data;
  }
}
