import { ChildProcess, spawn, spawnSync } from 'node:child_process';

/**
 * Hosts for a test, made of Linux network namespaces: each host has its own loopback and one
 * address on a private LAN (a bridge in a `hub` namespace that also holds the shared servers).
 * Nothing is added to the machine's own namespace; `destroy()` removes every namespace (and with
 * them their links). Needs root and iproute2.
 */
export class NetLab {
  private readonly procs: ChildProcess[] = [];

  private constructor(
    private readonly id: string,
    private readonly subnet: string,
    private readonly hosts: string[],
  ) {}

  /** Whether this process may make namespaces (root with `ip`); the reason when not. */
  static unavailable(): string | null {
    if (process.getuid?.() !== 0) return 'network namespaces need root';
    const r = spawnSync('ip', ['netns', 'list']);
    return r.status === 0 ? null : `ip netns does not work here: ${r.stderr?.toString() ?? r.error}`;
  }

  static async create(hosts: string[]): Promise<NetLab> {
    const n = process.pid % 250;
    const lab = new NetLab(`rag${process.pid}`, `10.213.${n + 1}`, hosts);
    const hub = lab.ns('hub');
    ip('netns', 'add', hub);
    ip('-n', hub, 'link', 'set', 'lo', 'up');
    ip('-n', hub, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', hub, 'addr', 'add', `${lab.subnet}.1/24`, 'dev', 'br0');
    ip('-n', hub, 'link', 'set', 'br0', 'up');
    hosts.forEach((host, i) => {
      const ns = lab.ns(host);
      ip('netns', 'add', ns);
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      // Both ends are made in the hub, one moved into the host: the machine's namespace never sees them.
      ip('-n', hub, 'link', 'add', `h${i}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
      ip('-n', hub, 'link', 'set', `h${i}`, 'master', 'br0', 'up');
      ip('-n', ns, 'addr', 'add', `${lab.address(host)}/24`, 'dev', 'eth0');
      ip('-n', ns, 'link', 'set', 'eth0', 'up');
    });
    return lab;
  }

  /** The namespace of a host (`hub` is the one with the shared servers). */
  ns(host: string): string {
    return `${this.id}-${host}`;
  }

  /** A host's address on the LAN; the hub's is `.1`. */
  address(host: string): string {
    const i = this.hosts.indexOf(host);
    if (host === 'hub') return `${this.subnet}.1`;
    if (i < 0) throw new Error(`no host ${host}`);
    return `${this.subnet}.${10 + i}`;
  }

  /** Starts `cmd` inside a host's namespace, with PATH and `env` as its environment (the files are shared). */
  spawn(host: string, cmd: string, args: string[], env: Record<string, string> = {}): ChildProcess {
    const p = spawn('ip', ['netns', 'exec', this.ns(host), cmd, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.procs.push(p);
    return p;
  }

  /** One HTTP request made from inside a host (a short node process there). */
  async fetch(
    host: string,
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
  ): Promise<{ status: number; text: string }> {
    const script = `
      const i = JSON.parse(process.env.REQ);
      fetch(i.url, { method: i.method, headers: i.headers, body: i.body ? Buffer.from(i.body, 'base64') : undefined })
        .then(async (r) => console.log(JSON.stringify({ status: r.status, text: await r.text() })))
        .catch((e) => console.log(JSON.stringify({ status: 0, text: String(e.cause ?? e) })));`;
    const req = JSON.stringify({
      url,
      method: init.method ?? 'GET',
      headers: init.headers ?? {},
      body: init.body ? Buffer.from(init.body).toString('base64') : undefined,
    });
    const p = spawn('ip', ['netns', 'exec', this.ns(host), process.execPath, '-e', script], {
      env: { PATH: process.env.PATH ?? '', REQ: req },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((r) => p.once('exit', r));
    return JSON.parse(out.trim().split('\n').at(-1) ?? '{"status":0,"text":"no reply"}') as {
      status: number;
      text: string;
    };
  }

  async destroy(): Promise<void> {
    await Promise.all(
      this.procs.map(
        (p) =>
          new Promise<void>((ok) => {
            if (p.exitCode !== null || p.signalCode !== null) return ok();
            p.once('exit', () => ok());
            p.kill('SIGKILL');
          }),
      ),
    );
    for (const host of [...this.hosts, 'hub']) spawnSync('ip', ['netns', 'del', this.ns(host)]);
  }
}

function ip(...args: string[]): void {
  const r = spawnSync('ip', args);
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.toString().trim()}`);
}
