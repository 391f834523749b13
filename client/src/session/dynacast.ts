/**
 * Dynacast on the sending side: encode and send only the simulcast layers the hub says anybody
 * takes (`media:layersWanted`), as LiveKit's client does. A layer switched back on starts with a
 * key frame (the browser's encoder does that), so a tile coming on screen waits one frame.
 * Returns whether the sender's parameters changed. Layers the push does not name stay on.
 */
export async function applyLayersWanted(
  sender: Pick<RTCRtpSender, 'getParameters' | 'setParameters'>,
  layers: readonly boolean[],
): Promise<boolean> {
  const params = sender.getParameters();
  let changed = false;
  for (const [i, e] of params.encodings.entries()) {
    const on = layers[i] ?? true;
    if (e.active !== on) {
      e.active = on;
      changed = true;
    }
  }
  if (changed) await sender.setParameters(params);
  return changed;
}
