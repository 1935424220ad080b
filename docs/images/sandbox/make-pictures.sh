#!/usr/bin/env bash
# Remakes the pictures of docs/sandbox-engine.md from a real server: starts `runhub serve --catalog` on RunningHub's
# public registry (../shared/fixtures/runninghub beside the checkout), runs one request of each output kind, and
# turns each result into a picture with ffmpeg (a video as a strip of frames, audio as its waveform) or, for the GLB,
# a flat-shaded SVG drawn from its triangles. Needs a built solution (dotnet build), ffmpeg, curl and python3.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
fixtures="$root/../shared/fixtures/runninghub"
work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(( 30000 + RANDOM % 20000 ))
base="http://127.0.0.1:$port"
dotnet "$root/src/RunHub/bin/Debug/net10.0/runhub.dll" serve --urls "$base" --data "$work/data" \
  --catalog "$fixtures/model-registry.public.json" --pricing "$fixtures/pricing.public.json" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 300); do grep -q "shown only this once" "$work/serve.log" 2>/dev/null && break; sleep 0.2; done
key="$(sed -n 's/.*shown only this once: //p' "$work/serve.log")"

run() {  # run ENDPOINT JSON -> prints the finished task object
  local id status task
  id="$(curl -s -X POST "$base/openapi/v2/$1" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "$2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["taskId"])')"
  for _ in $(seq 1 600); do
    task="$(curl -s -X POST "$base/openapi/v2/query" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "{\"taskId\":\"$id\"}")"
    status="$(printf '%s' "$task" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')"
    [ "$status" = SUCCESS ] && { printf '%s' "$task"; return; }
    [ "$status" = FAILED ] && { echo "$1 failed: $task" >&2; exit 1; }
    sleep 0.2
  done
}
url() { python3 -c 'import json,sys; print(json.load(sys.stdin)["results"][0]["url"])'; }

run "rhart-image-g-2-official/text-to-image" '{"prompt":"a lighthouse on a rock at dawn","aspectRatio":"16:9","resolution":"1k","quality":"medium"}' | url | xargs curl -s -o "$work/image.png"
ffmpeg -v error -y -i "$work/image.png" -q:v 4 "$here/image.jpg"
run "alibaba/wan-2.7/text-to-video" '{"prompt":"a lighthouse on a rock at dawn","resolution":"720P","duration":"5","aspectRatio":"16:9"}' | url | xargs curl -s -o "$work/video.mp4"
ffmpeg -v error -y -i "$work/video.mp4" -vf "fps=1,scale=256:-2,tile=5x1:padding=4:color=white" -frames:v 1 -q:v 4 "$here/video-frames.jpg"
run "rhart-audio/text-to-audio/speech-2.8-turbo" '{"text":"The lighthouse keeper counts the waves until morning comes.","voice_id":"male-qn-qingse","enable_base64_output":false,"english_normalization":false}' | url | xargs curl -s -o "$work/audio.mp3"
ffmpeg -v error -y -i "$work/audio.mp3" -filter_complex "showwavespic=s=1024x160:colors=SteelBlue" -frames:v 1 "$here/audio-waveform.png"
run "hunyuan3d-v3.1/text-to-3d" '{"prompt":"a lighthouse","enablePbr":true,"generateType":"Normal"}' | url | xargs curl -s -o "$work/model.glb"
python3 - "$work/model.glb" "$here/model.svg" <<'PY'
import json, math, struct, sys
data = open(sys.argv[1], 'rb').read()
length = struct.unpack_from('<I', data, 12)[0]
gltf = json.loads(data[20:20 + length])
binary = data[20 + length + 8:]
def read(index, fmt, size):
    acc = gltf['accessors'][index]; view = gltf['bufferViews'][acc['bufferView']]
    start = view.get('byteOffset', 0) + acc.get('byteOffset', 0)
    return [struct.unpack_from(fmt, binary, start + i * size) for i in range(acc['count'])]
prim = gltf['meshes'][0]['primitives'][0]
pos = read(prim['attributes']['POSITION'], '<3f', 12)
idx = [i[0] for i in read(prim['indices'], '<I', 4)]
colour = gltf['materials'][0]['pbrMetallicRoughness'].get('baseColorFactor', [0.6, 0.6, 0.6, 1])
ry, rx = math.radians(35), math.radians(-20)
def turn(p):
    x, y, z = p
    x, z = x * math.cos(ry) + z * math.sin(ry), -x * math.sin(ry) + z * math.cos(ry)
    y, z = y * math.cos(rx) - z * math.sin(rx), y * math.sin(rx) + z * math.cos(rx)
    return x, y, z
pts = [turn(p) for p in pos]
light = (0.4, 0.6, 0.7)
faces = []
for t in range(0, len(idx), 3):
    a, b, c = (pts[i] for i in idx[t:t + 3])
    u = [b[k] - a[k] for k in range(3)]; v = [c[k] - a[k] for k in range(3)]
    n = (u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0])
    norm = math.sqrt(sum(k * k for k in n)) or 1
    n = [k / norm for k in n]
    if n[2] <= 0: continue                      # facing away
    shade = 0.35 + 0.65 * max(0, sum(n[k] * light[k] for k in range(3)))
    faces.append(((a[2] + b[2] + c[2]) / 3, (a, b, c), shade))
faces.sort(key=lambda f: f[0])
out = ['<svg xmlns="http://www.w3.org/2000/svg" viewBox="-1.5 -1.5 3 3" width="360" height="360"><rect x="-1.5" y="-1.5" width="3" height="3" fill="white"/>']
for _, tri, shade in faces:
    rgb = ','.join(str(int(255 * min(1, c * shade))) for c in colour[:3])
    out.append('<polygon points="%s" fill="rgb(%s)" stroke="rgb(%s)" stroke-width="0.004"/>' % (' '.join('%.3f,%.3f' % (p[0], -p[1]) for p in tri), rgb, rgb))
out.append('</svg>')
open(sys.argv[2], 'w').write('\n'.join(out))
PY
run "rhart-text-g-25-flash/text-to-text" '{"prompt":"Write a haiku about lighthouses."}' \
  | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["results"], ensure_ascii=False, indent=2))' > "$here/text-result.json"
echo "pictures written to $here"
