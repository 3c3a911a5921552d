# The one GroupBuy binary and every web asset it serves, built from a clean clone; compose.yaml
# runs the image in each role.
FROM rust:1.95-bookworm AS build
# binaryen: wasm-opt shrinks the web apps when present; brotli precompresses their files
RUN apt-get update && apt-get install -y --no-install-recommends binaryen brotli && rm -rf /var/lib/apt/lists/* \
    && rustup target add wasm32-unknown-unknown
WORKDIR /src
ENV CARGO_TARGET_DIR=/src/target
COPY . .
# wasm-utils/build.sh also installs the wasm-bindgen-cli that matches Cargo.lock
RUN bash wasm-utils/build.sh \
    && bash admin-ui/build.sh \
    && bash webapp/build.sh \
    && cargo build --release --locked --bin groupbuy

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /var/lib/groupbuy/media && chown -R nobody /var/lib/groupbuy
COPY --from=build /src/target/release/groupbuy /usr/local/bin/groupbuy
COPY --from=build /src/admin-ui/dist /srv/admin-ui
COPY --from=build /src/webapp/dist /srv/webapp
ENV ADMIN_UI_DIR=/srv/admin-ui WEBAPP_DIR=/srv/webapp MEDIA_DIR=/var/lib/groupbuy/media LOG_FORMAT=json HTTP_ADDR=0.0.0.0:8000
WORKDIR /var/lib/groupbuy
USER nobody
# Health checks are per role (compose.yaml): only the HTTP roles answer `groupbuy probe`.
ENTRYPOINT ["groupbuy"]
