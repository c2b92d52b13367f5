import sys

from consumers.stories.consumer import main

sys.exit(main())
