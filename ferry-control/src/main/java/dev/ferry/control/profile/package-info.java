/** Connection profiles, including managed instances created through a provisioner. */
package dev.ferry.control.profile;
