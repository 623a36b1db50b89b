import type { ImageUpdateEvent } from '../src/types.js';

type Field = { name: string; value: string; inline?: boolean };

/** `sha256:` and the first 12 hex digits, as `docker images` shows a digest. */
const short = (d: string) => d.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]+$/i, '$1');

/**
 * The embed fields of an image update (`!hook docker updates`): the image and tag, the digest the containers run
 * and the one the tag points at now, and which containers run it (each name once, at most 20 listed).
 */
export function imageUpdateFields(e: ImageUpdateEvent): Field[] {
  const x = e.fields;
  const names = x.containers ? x.containers.split(', ') : [];
  const listed = names.slice(0, 20).map((n) => `\`${n.replace(/`/g, '')}\``).join(', ');
  return [
    { name: 'Image', value: `\`${x.repository.replace(/`/g, '')}\``, inline: true },
    { name: 'Tag', value: `\`${x.tag.replace(/`/g, '')}\``, inline: true },
    { name: 'Registry', value: x.registry, inline: true },
    { name: 'Running', value: `\`${short(x.running_digest)}\``, inline: true },
    { name: 'New', value: `\`${short(x.new_digest)}\``, inline: true },
    {
      name: names.length === 1 ? 'Container' : `Containers (${names.length})`,
      value: (listed || '—') + (names.length > 20 ? ` and ${names.length - 20} more` : ''), inline: false,
    },
  ];
}
