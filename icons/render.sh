#!/usr/bin/env bash
# Regenerates every raster icon in this folder from icon.svg (the source of truth).
# Needs: rsvg-convert (apt-get install librsvg2-bin), ImageMagick (/usr/bin/convert), npx (for .icns).
# PNGs are rendered directly from the SVG at each size (crisper at 32 px than downscaling a 1024 PNG).
set -euo pipefail
cd "$(dirname "$0")"
CONVERT=/usr/bin/convert
command -v magick >/dev/null 2>&1 && CONVERT="magick"
render() { rsvg-convert -w "$1" -h "$1" icon.svg -o "$2"; }

render 1024 app-icon.png
render 32 32x32.png
render 128 128x128.png
render 256 128x128@2x.png
render 512 icon.png

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for s in 16 24 32 48 64 256; do render "$s" "$tmp/$s.png"; done
# PNG-compressed entries, 32-bit RGBA, same layout as the Tauri CLI's icon.ico.
"$CONVERT" "$tmp"/{16,24,32,48,64,256}.png -define icon:format=png icon.ico

# .icns: the Tauri CLI writes it from the 1024 px PNG (macOS only uses the large sizes).
( cd "$tmp" && cp "$OLDPWD/app-icon.png" . \
  && npx --yes @tauri-apps/cli@2.12.5 icon app-icon.png -o out >/dev/null )
cp "$tmp/out/icon.icns" icon.icns
