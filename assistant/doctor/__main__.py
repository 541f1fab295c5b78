"""python -m assistant.doctor [--production]"""
import sys

from assistant.doctor.run import main

sys.exit(main())
