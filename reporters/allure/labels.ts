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
