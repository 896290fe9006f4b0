import { ALLURE_RUNTIME_MESSAGE_CONTENT_TYPE } from 'allure-js-commons/sdk/reporter';
import { STAND_IN_ANNOTATION } from '../markdown/collect.ts';

/** Tier tags and the Allure severity each maps to; every spec has exactly one tier tag. */
export const SEVERITY_BY_TIER: Record<string, 'critical' | 'normal' | 'minor'> = {
  '@e2e': 'critical',
  '@gpu_1': 'normal',
  '@gpu_2': 'normal',
  '@slow': 'minor',
};

export interface LabelSource {
  tags: readonly string[];
  /** folder of the spec relative to testDir, `.` at its root */
  folder: string;
  describes: readonly string[];
}

export interface AllureLabel {
  name: string;
  value: string;
}

/**
 * epic = area tag (every non-tier tag), feature = folder, story = describe path,
 * severity from the tier tag.
 */
export function allureLabels(source: LabelSource): AllureLabel[] {
  const labels: AllureLabel[] = [];
  for (const tag of source.tags) {
    if (!(tag in SEVERITY_BY_TIER)) labels.push({ name: 'epic', value: tag.replace(/^@/, '') });
  }
  if (source.folder !== '.') labels.push({ name: 'feature', value: source.folder });
  if (source.describes.length > 0) labels.push({ name: 'story', value: source.describes.join(' › ') });
  const severity = source.tags.map((tag) => SEVERITY_BY_TIER[tag]).find((s) => s !== undefined);
  if (severity) labels.push({ name: 'severity', value: severity });
  return labels;
}

/** allure-playwright turns an annotation of type `@allure.label.<name>` into that label. */
export function labelAnnotations(labels: AllureLabel[]): { type: string; description: string }[] {
  return labels.map((label) => ({ type: `@allure.label.${label.name}`, description: label.value }));
}

/**
 * A test that ran against stand-in executables gets the tag `stand-in` and an `engines`
 * parameter naming the stand-ins, so Allure never shows it as a run on real engines. Carried
 * as an Allure runtime message (`metadata`), the channel allure-js-commons' own in-test API
 * uses, because the annotation exists only after the stack fixture ran.
 */
export function standInMetadata(annotations: readonly { type: string; description?: string }[]): { name: string; contentType: string; body: Buffer } | undefined {
  const standIn = annotations.find((a) => a.type === STAND_IN_ANNOTATION);
  if (!standIn) return undefined;
  const message = {
    type: 'metadata',
    data: {
      labels: [{ name: 'tag', value: 'stand-in' }],
      parameters: [{ name: 'engines', value: `stand-ins (${standIn.description ?? 'unnamed'})` }],
    },
  };
  return { name: 'servewright-stand-in', contentType: ALLURE_RUNTIME_MESSAGE_CONTENT_TYPE, body: Buffer.from(JSON.stringify(message)) };
}
