"""Custom actions: none. The assistant needs no custom action (and so no action server):
every reply is a response of domain.yml, filled by assistant/nlg.py inside the Rasa server.

The article search that ran here after a fallback was removed because it helped no
measured set (README: "The article search", under "How well it understands"); the
package stays where Rasa users look for actions.
"""
