"""Clinic SMS through Twilio: patients text questions, the assistant texts back.

Twilio POSTs each incoming text to ``/webhooks/twilio_sms/webhook``; the reply
goes back in the response as TwiML (``<Response><Message>…``), so the server
needs no outbound access and no credentials beyond the auth token that checks
the ``X-Twilio-Signature`` header.

Differences from Rasa's built-in ``twilio`` channel:

* Every request must carry a valid ``X-Twilio-Signature`` (HMAC-SHA1 of the
  public webhook URL and the form fields with the auth token, checked with
  ``twilio.request_validator.RequestValidator``); anything else gets 403 and
  never reaches the conversation.
* No ``Body``, an empty one or an attachment alone gets a short reply, never 500.
* Buttons become "Reply 1 for …" lines; a reply of "1" is mapped back to the
  payload of the first button the assistant offered in that conversation.
* Replies are plain GSM-7 text, split at sentence boundaries, within a segment
  budget (text.py; the channel's own texts and limits in knowledge/sms.yml,
  read by replies.py).
* STOP/START/HELP are answered here; opt-outs are kept in the conversation
  database under a keyed hash of the number, so every server sees them
  (optouts.py).
* The text goes through the same door as every channel's (channels/door.py:
  lone surrogates and NULs removed) and the guard (channels/guard.py).
* The phone number is only ever used as a keyed hash: the Rasa conversation id
  is ``sms-`` + HMAC-SHA256(number), and logs show the number masked (numbers.py).

The channel itself is channel.py (credentials.yml names
``channels.sms.channel.TwilioSmsInput``); twiml.py reads Twilio's form and writes
TwiML. Configuration: see the README section "Clinic SMS (Twilio)".
"""
