#!/usr/bin/python3
"""An SMTP server for flowd's delivery tests (Debian's python3-aiosmtpd).

Listens on 127.0.0.1 on an ephemeral port, prints the port as the first line of stdout,
and appends every accepted message to --out as one JSON line (envelope, decoded headers,
text and HTML parts, the client's port: equal ports mean a reused connection). The line
is written before the 250 reply, so a client that got 250 finds its message in the file.

Scripted replies by recipient local part: reject-permanent@… gets 550, reject-temporary@…
gets 451 (at RCPT TO).
"""
import argparse
import asyncio
import email
import email.policy
import json
import sys

from aiosmtpd.smtp import SMTP


class Recorder:
    def __init__(self, out_path):
        self.out_path = out_path

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0]
        if local == "reject-permanent":
            return "550 5.1.1 mailbox unavailable"
        if local == "reject-temporary":
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        record = {
            "peer_port": session.peer[1],
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "headers": {name: str(value) for name, value in message.items()},
            "content_type": message.get_content_type(),
            "raw": envelope.content.decode("utf-8", "replace"),
        }
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                record["text"] = part.get_content()
            elif part.get_content_type() == "text/html":
                record["html"] = part.get_content()
        with open(self.out_path, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")
        return "250 Message accepted"


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True, help="JSON lines file of received messages")
    args = parser.parse_args()
    handler = Recorder(args.out)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler, hostname="flow-test-smtp"), "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
