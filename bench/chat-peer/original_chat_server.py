"""The original product's chat server (protocol A in ../shared/reference/seed-product.md §5),
rebuilt from its description so that `bench/chat.sh` can measure it beside ours on the same
machine in the same run. It is what the original ran: aiohttp, rooms in memory, the last 50
messages replayed on connect, joined/left system frames, every message sent to everyone in the
room (the sender included) and then handed to the core API, typing to the others, a ping every
30 s. Nothing is persisted by this process and it runs on one node.

    python original_chat_server.py --port 8330 [--core-url http://127.0.0.1:8320/api --core-key KEY]

Authentication is the original's: an HS256 JWT (`JWT_SECRET`) whose `user_id` is read. Its access
check and its hand-off of each message to the core API are HTTP calls to `--core-url` (ours wants
a service key where the original's core let anyone in); without it both are skipped: the fan-out
alone, the cheapest the original could be.
"""

import argparse
import asyncio
import collections
import json
import os
import time
from datetime import datetime

import aiohttp
import jwt
from aiohttp import web

HISTORY = 50

rooms = collections.defaultdict(set)
history = collections.defaultdict(lambda: collections.deque(maxlen=HISTORY))


async def broadcast(room, frame, skip=None):
    text = json.dumps(frame)
    for ws in list(rooms[room]):
        if ws is skip or ws.closed:
            continue
        try:
            await ws.send_str(text)
        except ConnectionError:
            pass


async def chat(request):
    ws = web.WebSocketResponse(heartbeat=30.0)
    await ws.prepare(request)
    room = int(request.match_info["procurement_id"])
    try:
        claims = jwt.decode(request.query.get("token", ""), request.app["secret"], algorithms=["HS256"])
        user_id = int(claims["user_id"])
    except (jwt.PyJWTError, KeyError, ValueError):
        await ws.close(code=1008, message=b"Unauthorized")
        return ws
    core, session = request.app["core"], request.app["session"]
    if core:
        async with session.post(f"{core}/procurements/{room}/check_access/", json={"user_id": user_id}) as answer:
            if answer.status != 200:
                await ws.close(code=1008, message=b"No access to procurement")
                return ws

    for frame in history[room]:
        await ws.send_str(json.dumps(frame))
    await broadcast(room, {"type": "system", "text": f"User {user_id} joined the chat",
                           "timestamp": datetime.now().isoformat()}, skip=ws)
    rooms[room].add(ws)
    try:
        async for received in ws:
            if received.type != aiohttp.WSMsgType.TEXT:
                continue
            try:
                data = json.loads(received.data)
            except ValueError:
                continue
            if data.get("type") == "message":
                text = str(data.get("text", "")).strip()
                if not text:
                    continue
                frame = {"type": "message", "user_id": user_id, "text": text,
                         "timestamp": datetime.now().isoformat(), "message_id": f"{user_id}_{time.time()}"}
                history[room].append(frame)
                await broadcast(room, frame)
                if core:
                    async with session.post(f"{core}/chat/messages/",
                                            json={"procurement_id": room, "user_id": user_id, "text": text}):
                        pass
            elif data.get("type") == "typing":
                await broadcast(room, {"type": "typing", "user_id": user_id,
                                       "is_typing": bool(data.get("is_typing"))}, skip=ws)
    finally:
        rooms[room].discard(ws)
        await broadcast(room, {"type": "system", "text": f"User {user_id} left the chat",
                               "timestamp": datetime.now().isoformat()})
    return ws


async def health(_request):
    return web.json_response({"status": "healthy"})


async def start(app):
    key = app["core_key"]
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    app["session"] = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30), headers=headers)


async def stop(app):
    await app["session"].close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--core-url", default="")
    parser.add_argument("--core-key", default="")
    args = parser.parse_args()
    app = web.Application()
    app["secret"] = os.environ.get("JWT_SECRET", "your-secret-key")
    app["core"] = args.core_url.rstrip("/")
    app["core_key"] = args.core_key
    app.on_startup.append(start)
    app.on_cleanup.append(stop)
    app.router.add_get("/health", health)
    app.router.add_get("/ws/procurement/{procurement_id}/", chat)
    app.router.add_get("/ws/procurement/{procurement_id}", chat)
    web.run_app(app, host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
