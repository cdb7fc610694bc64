// Typing for drachtio-mw-digest-auth 0.3 (no bundled types); only what the test registrar uses.
declare module 'drachtio-mw-digest-auth' {
  type Lookup = (username: string, realm: string, callback: (err: Error | null, password?: string | null) => void) => void;
  function digestAuth(opts: { realm?: string; proxy?: boolean; passwordLookup: Lookup }): (req: unknown, res: unknown, next: () => void) => void;
  export = digestAuth;
}
