// Fenced code blocks of a Markdown file, each with the line its code starts on, so a check
// of the code can point back at the document.

export interface CodeBlock {
  /** First word of the info string (` ```ts ` → `ts`); '' when there is none. */
  lang: string;
  /** Line (1-based) of the block's first code line. */
  line: number;
  code: string;
}

export interface Extracted {
  blocks: CodeBlock[];
  /** Indented code blocks and unclosed fences, as `<source>:<line>: <what>`. */
  problems: string[];
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)/;
const LIST_ITEM = /^\s*([-*+]|\d+[.)])\s/;

export function codeBlocks(markdown: string, source: string): Extracted {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  const problems: string[] = [];
  let open: { fence: string; lang: string; line: number; code: string[] } | undefined;
  let inList = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (open) {
      if (line.trimStart().startsWith(open.fence) && line.trim() === line.trim()[0]!.repeat(line.trim().length)) {
        blocks.push({ lang: open.lang, line: open.line, code: open.code.join('\n') });
        open = undefined;
      } else {
        open.code.push(line);
      }
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      open = { fence: fence[1]!, lang: fence[2]!, line: i + 2, code: [] };
      continue;
    }
    if (line.trim() === '') continue;
    if (LIST_ITEM.test(line)) inList = true;
    else if (!/^\s/.test(line)) inList = false;
    // A paragraph indented four spaces after a blank line is an (unlabelled) code block.
    if (!inList && /^( {4}|\t)/.test(line) && (lines[i - 1] ?? '').trim() === '') {
      problems.push(`${source}:${i + 1}: an indented code block; write it as a fenced block with a language (\`\`\`sh, \`\`\`ts or \`\`\`text)`);
    }
  }
  if (open) problems.push(`${source}:${open.line - 1}: a fenced block that is never closed`);
  return { blocks, problems };
}
