// A Prometheus histogram with fixed buckets; `observe` takes a count so a burst of
// tokens emitted in one step costs one observation.

export class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private total = 0;

  constructor(readonly buckets: readonly number[]) {
    this.counts = new Array<number>(buckets.length).fill(0);
  }

  get count(): number {
    return this.total;
  }

  observe(value: number, times = 1): void {
    this.sum += value * times;
    this.total += times;
    for (let i = 0; i < this.buckets.length; i++) {
      if (value <= (this.buckets[i] as number)) {
        this.counts[i] = (this.counts[i] as number) + times;
        return;
      }
    }
  }

  render(name: string, labels: string): string {
    const lines: string[] = [];
    let cumulative = 0;
    this.buckets.forEach((le, i) => {
      cumulative += this.counts[i] as number;
      lines.push(`${name}_bucket{${labels},le="${le}"} ${cumulative}`);
    });
    lines.push(`${name}_bucket{${labels},le="+Inf"} ${this.total}`);
    lines.push(`${name}_sum{${labels}} ${this.sum}`);
    lines.push(`${name}_count{${labels}} ${this.total}`);
    return lines.join('\n');
  }
}
