"""A real SMTP server for Serap's tests (aiosmtpd): stores every received message as a .eml file.

Usage: python3 smtp_sink.py <dir> [port]   (port 0 or absent: any free port)
Prints the bound port on the first line of stdout, then serves until killed.
"""
import asyncio
import os
import sys
import uuid

from aiosmtpd.smtp import SMTP


class Store:
    def __init__(self, directory):
        self.directory = directory

    async def handle_DATA(self, server, session, envelope):
        name = os.path.join(self.directory, f"{uuid.uuid4().hex}.eml")
        with open(name + ".tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(name + ".tmp", name)
        return "250 OK stored"


async def main():
    directory = sys.argv[1]
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    os.makedirs(directory, exist_ok=True)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(Store(directory), hostname="smtp-sink.test"), "127.0.0.1", port
    )
    print(server.sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()


asyncio.run(main())
