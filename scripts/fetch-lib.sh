# Shared by download-weights and download-datasets: fetch a URL to a file,
# resumably, and check its md5 when one is known. Sourced, not run.
fetch() {  # fetch URL DEST [MD5]
  local url=$1 dest=$2 md5=${3:-}
  if [ -f "$dest" ] && [ -n "$md5" ] && echo "$md5  $dest" | md5sum -c --status; then
    echo "have $dest (md5 ok)"; return 0
  fi
  mkdir -p "$(dirname "$dest")"
  echo "downloading $url"
  if command -v curl >/dev/null; then curl -fL --retry 3 -C - -o "$dest.part" "$url"
  elif command -v wget >/dev/null; then wget -c -O "$dest.part" "$url"
  else echo "need curl or wget (apt-get install curl)" >&2; return 1; fi
  if [ -n "$md5" ]; then
    if ! echo "$md5  $dest.part" | md5sum -c --status; then
      echo "error: $url: md5 $(md5sum < "$dest.part" | cut -d' ' -f1), expected $md5 (file kept as $dest.part)" >&2
      return 1
    fi
  else
    echo "note: no published checksum for $url; md5 of what arrived: $(md5sum < "$dest.part" | cut -d' ' -f1)"
  fi
  mv "$dest.part" "$dest"
}
