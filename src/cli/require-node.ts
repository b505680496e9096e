// Imported first by the CLI entry, so it runs before any dependency that needs a newer Node.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(
    `llm-gate needs Node.js 22.12 or newer; this is ${process.version}.\n` +
      'On linux-x64, `npm ci` in this project installs Node 24 as node_modules/.bin/node: run llm-gate through `npx llm-gate` or an npm script.\n',
  );
  process.exit(2);
}
