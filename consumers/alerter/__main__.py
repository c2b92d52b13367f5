import sys

from consumers.alerter.consumer import main

sys.exit(main())
