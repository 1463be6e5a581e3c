// Counts the features of an email HTML that caniemail.com marks unsupported ("none") in Gmail,
// Outlook on Windows, Apple Mail and Yahoo, and compares them with the same content built by MJML.
//
//   node check.mjs path/to/email.html     → prints both counts; exits 1 if ours has more.
import { caniemail } from 'caniemail';
import mjml2html from 'mjml';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CLIENTS = ['gmail.*', 'outlook.windows', 'apple-mail.*', 'yahoo.*'];
const here = path.dirname(fileURLToPath(import.meta.url));

/** Distinct (client, feature) pairs that caniemail says a client does not support. */
function unsupported(html) {
  const { issues } = caniemail({ clients: CLIENTS, html });
  const pairs = new Set();
  for (const [client, list] of issues.errors) {
    for (const issue of list) pairs.add(`${client}: ${issue.title}`);
  }
  return pairs;
}

const ours = unsupported(fs.readFileSync(process.argv[2], 'utf8'));
const { html: anchorHtml, errors } = mjml2html(fs.readFileSync(path.join(here, 'anchor.mjml'), 'utf8'), {
  validationLevel: 'strict',
});
if (errors.length) {
  console.error('anchor.mjml does not compile:', errors);
  process.exit(2);
}
const anchor = unsupported(anchorHtml);
const onlyOurs = [...ours].filter((p) => !anchor.has(p)).sort();
console.log(JSON.stringify({ ours: ours.size, mjml: anchor.size, only_ours: onlyOurs, only_mjml: [...anchor].filter((p) => !ours.has(p)).sort() }, null, 1));
process.exit(ours.size <= anchor.size ? 0 : 1);
