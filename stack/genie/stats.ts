// Counters behind GET /stats. Byte counts cover tensor traffic (execute routes) only.

interface OpTiming {
  count: number;
  total_ms: number;
  min_ms: number;
  max_ms: number;
}

export class ServerStats {
  private readonly startedAt = Date.now();
  requestsTotal = 0;
  requestsSuccess = 0;
  requestsFailed = 0;
  bytesIn = 0;
  bytesOut = 0;
  private readonly routes: Record<string, number> = {};
  private readonly errorsByStatus: Record<string, number> = {};
  private readonly ops: Record<string, OpTiming> = {};

  countRoute(route: string): void {
    this.routes[route] = (this.routes[route] ?? 0) + 1;
  }

  countError(status: number): void {
    this.errorsByStatus[status] = (this.errorsByStatus[status] ?? 0) + 1;
  }

  recordOp(op: string, ms: number): void {
    const t = (this.ops[op] ??= { count: 0, total_ms: 0, min_ms: Infinity, max_ms: 0 });
    t.count++;
    t.total_ms += ms;
    t.min_ms = Math.min(t.min_ms, ms);
    t.max_ms = Math.max(t.max_ms, ms);
  }

  uptimeSeconds(): number {
    return (Date.now() - this.startedAt) / 1000;
  }

  snapshot() {
    return {
      uptime_s: this.uptimeSeconds(),
      requests_total: this.requestsTotal,
      requests_success: this.requestsSuccess,
      requests_failed: this.requestsFailed,
      errors_by_status: { ...this.errorsByStatus },
      bytes_in: this.bytesIn,
      bytes_out: this.bytesOut,
      routes: { ...this.routes },
      ops: Object.fromEntries(Object.entries(this.ops).map(([op, t]) => [op, { ...t, mean_ms: t.total_ms / t.count }])),
    };
  }
}

export type StatsSnapshot = ReturnType<ServerStats['snapshot']>;
