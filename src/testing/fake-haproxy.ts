/**
 * A fake of HAProxy's runtime API as clusters/k8s/ingress/haproxy.cfg sets it up (backend
 * `api`, slots api1…api32 starting in maintenance), for the slot sync's tests: it answers
 * `set server api/apiN addr IP port P`, `set server api/apiN state ready|maint` and `show
 * servers state api` in HAProxy 2.6's wording and format, and lets a test play the health
 * checks (`healthy(ip, false)` marks every slot with that address down, as `fall 2` would).
 */
export class FakeHaproxy {
  readonly commands: string[] = [];
  private readonly slots = Array.from({ length: 32 }, (_, i) => ({ name: `api${i + 1}`, addr: '127.0.0.1', port: 8080, maint: true }));
  private readonly sick = new Set<string>();
  /** the next command throws this (a lost connection) */
  failNext: Error | null = null;

  /** the health checks' verdict for `ip` from now on */
  healthy(ip: string, ok: boolean): void {
    if (ok) this.sick.delete(ip);
    else this.sick.add(ip);
  }

  /** `apiN` → address of every slot out of maintenance */
  get serving(): Record<string, string> {
    return Object.fromEntries(this.slots.filter((s) => !s.maint).map((s) => [s.name, s.addr]));
  }

  send = async (command: string): Promise<string> => {
    if (this.failNext) {
      const e = this.failNext;
      this.failNext = null;
      throw e;
    }
    this.commands.push(command);
    let m = /^set server api\/(\S+) addr (\S+) port (\d+)$/.exec(command);
    if (m) {
      const s = this.slot(m[1]!);
      if (!s) return 'No such server.\n';
      const was = s.addr;
      s.addr = m[2]!;
      s.port = Number(m[3]);
      return `IP changed from '${was}' to '${s.addr}', no need to change the port by 'stats socket command'\n`;
    }
    m = /^set server api\/(\S+) state (\S+)$/.exec(command);
    if (m) {
      const s = this.slot(m[1]!);
      if (!s) return 'No such server.\n';
      if (m[2] !== 'ready' && m[2] !== 'maint') return "'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n";
      s.maint = m[2] === 'maint';
      return '\n';
    }
    if (command === 'show servers state api') {
      const header = '# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port';
      const rows = this.slots.map((s, i) => `3 api ${i + 1} ${s.name} ${s.addr} ${s.maint || this.sick.has(s.addr) ? 0 : 2} ${s.maint ? 5 : 4} 1 1 0 15 3 2 6 0 0 0 - ${s.port} - 0 0 - - 0`);
      return ['1', header, ...rows, ''].join('\n');
    }
    return 'Unknown command. Please enter one of the following commands only :\n';
  };

  private slot(name: string): { name: string; addr: string; port: number; maint: boolean } | undefined {
    return this.slots.find((s) => s.name === name);
  }
}
