/** MariaDB servers run with mariadb-install-db and mariadbd from the machine's packages. */
package dev.ferry.provisioner.local.mariadb;
